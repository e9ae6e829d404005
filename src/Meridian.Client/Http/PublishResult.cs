namespace Meridian.Client.Http;

/// <summary>A successful publish.</summary>
/// <param name="Name">The database's name.</param>
/// <param name="DatabaseIdentity">The database's identity.</param>
/// <param name="Created">Whether the publish created the database (else it updated it).</param>
public sealed record PublishResult(string Name, string DatabaseIdentity, bool Created);
