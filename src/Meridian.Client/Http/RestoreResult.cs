namespace Meridian.Client.Http;

/// <summary>A restore the server applied.</summary>
/// <param name="Database">The restored database's name.</param>
/// <param name="DatabaseIdentity">Its identity (kept when it replaced a database).</param>
/// <param name="Replaced">Whether it replaced an existing database (else it created one).</param>
/// <param name="SourceDatabase">The name of the database the dump was taken from.</param>
/// <param name="Offset">The transaction offset the dump held.</param>
/// <param name="Tables">Tables restored.</param>
/// <param name="Rows">Rows restored.</param>
public sealed record RestoreResult(string Database, string DatabaseIdentity, bool Replaced, string? SourceDatabase, ulong Offset, long Tables, long Rows);
