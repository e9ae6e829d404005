namespace Meridian.Client.Http;

/// <summary>A database an identity owns, as <c>GET /v1/identity/:identity/databases</c> lists it.</summary>
/// <param name="Name">Its name, or null when the server does not give names (upstream's answer).</param>
/// <param name="Identity">The database's identity, 64 hexadecimal digits.</param>
public sealed record DatabaseListing(string? Name, string Identity);
