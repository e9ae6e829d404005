namespace Meridian.Client.Http;

/// <summary>What <c>GET /v1/database/:db</c> tells about a database.</summary>
/// <param name="DatabaseIdentity">The database's identity.</param>
/// <param name="OwnerIdentity">The identity that owns it.</param>
/// <param name="HostType">The kind of module host (<c>Dotnet</c> on Meridian).</param>
/// <param name="ModuleHash">The SHA-256 of the module it runs, in hex.</param>
public sealed record DatabaseInfo(string DatabaseIdentity, string OwnerIdentity, string? HostType, string? ModuleHash);
