namespace Meridian.Client.Http;

/// <summary>What publishing a module over an existing database would do (<c>POST /v1/database/:db/pre_publish</c>).</summary>
/// <param name="Automatic">Whether the server can apply it; when false, <paramref name="Text"/> says why not.</param>
/// <param name="Text">The plan (or the reason it is refused), as text for a person.</param>
/// <param name="BreakClients">Whether applying it disconnects every client (publish with <see cref="PublishOptions.BreakClientsToken"/>).</param>
/// <param name="NeedsConfirmation">Whether a person should confirm it first (it breaks clients or deletes data).</param>
/// <param name="Token">The token that accepts a client-breaking plan for this module, if any.</param>
public sealed record MigrationPlan(bool Automatic, string Text, bool BreakClients, bool NeedsConfirmation, string? Token);
