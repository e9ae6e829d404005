using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Meridian.Client.Dynamic;

namespace Meridian.Client.Http;

public sealed partial class MeridianHttpClient
{
    /// <summary>
    /// Publishes a compiled module as database <paramref name="name"/> (<c>PUT /v1/database/:name</c>),
    /// creating it or updating its module (the server migrates the schema or refuses). When
    /// <see cref="PlanPublishAsync(string, byte[], IProgress{TransferProgress}?, CancellationToken)"/> has just
    /// uploaded the same module, the server still holds it and it is named by its hash instead of
    /// being uploaded again (<c>?module_hash=</c>); if the server no longer holds it, it is uploaded.
    /// </summary>
    /// <param name="name">The database's name, or its identity to update it.</param>
    /// <param name="module">The module assembly's bytes.</param>
    /// <param name="options">Clearing data, accepting a client-breaking plan, upload progress; null for none of them.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="MeridianHttpException">The server refused the module or the request failed.</exception>
    public async Task<PublishResult> PublishAsync(string name, byte[] module, PublishOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(module);
        var query = new List<string>();
        if (options?.ClearData == true)
            query.Add("clear=true");
        if (options?.BreakClientsToken is { } token)
            query.Add("policy=BreakClients&token=" + Uri.EscapeDataString(token));
        var url = DatabasePath(name) + (query.Count > 0 ? "?" + string.Join("&", query) : "");
        var progress = options?.Progress;
        var hash = ModuleHash(module);
        if (ForgetHeld(hash))
        {
            var byHash = await SendReportingAsync(
                HttpMethod.Put, url + (query.Count > 0 ? "&" : "?") + "module_hash=" + hash, null, () => progress, cancellationToken).ConfigureAwait(false);
            // 412: the server no longer holds it (it restarted, or the plan is older than it keeps modules); upload it.
            if (byHash.Status != HttpStatusCode.PreconditionFailed)
                return Published(byHash, name);
        }
        using var body = new MemoryStream(module, writable: false);
        var upload = progress is null ? null : new UploadContent(this, body, module.Length, progress);
        using HttpContent content = upload ?? (HttpContent)new ByteArrayContent(module);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var response = await SendReportingAsync(HttpMethod.Put, url, content, () => upload is { Uploaded: true } ? progress : null, cancellationToken)
            .ConfigureAwait(false);
        return Published(response, name);
    }

    private PublishResult Published(HttpApiResponse response, string name)
    {
        if (!response.IsSuccess)
            throw response.ToException(Server);
        return ParseJson(response, "the publish", root =>
        {
            var success = root.GetProperty("Success");
            return new PublishResult(
                success.TryGetProperty("domain", out var domain) ? domain.GetString() ?? name : name,
                success.GetProperty("database_identity").GetString() ?? throw new FormatException("no identity"),
                success.TryGetProperty("op", out var op) && op.GetString() == "created");
        });
    }

    /// <summary>
    /// What publishing <paramref name="module"/> over database <paramref name="name"/> would do
    /// (<c>POST /v1/database/:name/pre_publish</c>); null when there is no such database (a publish creates it).
    /// </summary>
    /// <param name="name">The database's name or identity.</param>
    /// <param name="module">The module assembly's bytes.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="MeridianHttpException">The request failed.</exception>
    public Task<MigrationPlan?> PlanPublishAsync(string name, byte[] module, CancellationToken cancellationToken = default) =>
        PlanPublishAsync(name, module, null, cancellationToken);

    /// <summary>
    /// What publishing <paramref name="module"/> over database <paramref name="name"/> would do
    /// (<c>POST /v1/database/:name/pre_publish</c>); null when there is no such database (a publish creates it).
    /// A Meridian server keeps the module it was sent for a while (naming it in the <c>meridian-module-hash</c>
    /// header), so a <see cref="PublishAsync"/> of the same bytes that follows does not upload it again.
    /// </summary>
    /// <param name="name">The database's name or identity.</param>
    /// <param name="module">The module assembly's bytes.</param>
    /// <param name="progress">
    /// Told how much of the module has gone up, then how long the server has been working out the plan, about once per
    /// <see cref="ProgressInterval"/>; null for silence.
    /// </param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="MeridianHttpException">The request failed.</exception>
    public async Task<MigrationPlan?> PlanPublishAsync(
        string name, byte[] module, IProgress<TransferProgress>? progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(module);
        using var body = new MemoryStream(module, writable: false);
        var upload = progress is null ? null : new UploadContent(this, body, module.Length, progress);
        using HttpContent content = upload ?? (HttpContent)new ByteArrayContent(module);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var response = await SendReportingAsync(
            HttpMethod.Post, DatabasePath(name) + "/pre_publish?style=NoColor", content, () => upload is { Uploaded: true } ? progress : null,
            cancellationToken).ConfigureAwait(false);
        if (response.Headers.TryGetValue("meridian-module-hash", out var held) && response.Status is HttpStatusCode.OK or HttpStatusCode.NotFound)
            RememberHeld(held);
        if (response.Status == HttpStatusCode.NotFound)
            return null;
        if (!response.IsSuccess)
            throw response.ToException(Server);
        return ParseJson(response, "the migration plan request", root =>
        {
            if (root.TryGetProperty("AutoMigrate", out var auto))
            {
                var breaks = auto.TryGetProperty("break_clients", out var b) && b.ValueKind == JsonValueKind.True;
                var confirm = breaks || (auto.TryGetProperty("needs_confirmation", out var c) && c.ValueKind == JsonValueKind.True);
                return new MigrationPlan(true, auto.GetProperty("migrate_plan").GetString() ?? "", breaks, confirm,
                    auto.TryGetProperty("token", out var t) ? t.GetString() : null);
            }
            if (root.TryGetProperty("ManualMigrate", out var manual))
                return new MigrationPlan(false, manual.GetProperty("reason").GetString() ?? "", false, false, null);
            throw new FormatException("neither plan");
        });
    }

    /// <summary>The database's identities and module hash (<c>GET /v1/database/:db</c>); null when there is no such database.</summary>
    /// <param name="database">The database's name or identity.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="MeridianHttpException">The request failed.</exception>
    public async Task<DatabaseInfo?> GetDatabaseAsync(string database, CancellationToken cancellationToken = default)
    {
        var response = await SendAsync(HttpMethod.Get, DatabasePath(database), null, Token, cancellationToken).ConfigureAwait(false);
        if (response.Status == HttpStatusCode.NotFound)
            return null;
        if (!response.IsSuccess)
            throw response.ToException(Server);
        return ParseJson(response, "the database request", root => new DatabaseInfo(
            root.GetProperty("database_identity").GetString() ?? "",
            root.GetProperty("owner_identity").GetString() ?? "",
            root.TryGetProperty("host_type", out var host) ? host.GetString() : null,
            root.TryGetProperty("initial_program", out var program) ? program.GetString() : null));
    }

    /// <summary>Deletes a database the token's identity owns, with all its data (<c>DELETE /v1/database/:db</c>).</summary>
    /// <param name="database">The database's name or identity.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="MeridianHttpException">The database does not exist, is not the identity's, or the request failed.</exception>
    public async Task DeleteDatabaseAsync(string database, CancellationToken cancellationToken = default) =>
        await RequestAsync(HttpMethod.Delete, DatabasePath(database), null, cancellationToken).ConfigureAwait(false);

    /// <summary>Gives a database the token's identity owns a new name (<c>PUT /v1/database/:db/names</c>); its identity and data stay.</summary>
    /// <param name="database">The database's name or identity.</param>
    /// <param name="newName">The new name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="MeridianHttpException">The name is taken or invalid, the database is not the identity's, or the request failed.</exception>
    public async Task RenameDatabaseAsync(string database, string newName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(newName);
        using var content = new StringContent(JsonSerializer.Serialize(new[] { newName }), Encoding.UTF8, "application/json");
        await RequestAsync(HttpMethod.Put, DatabasePath(database) + "/names", content, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The module definition as JSON (<c>GET /v1/database/:db/schema?version=N</c>).</summary>
    /// <param name="database">The database's name or identity.</param>
    /// <param name="version">10 (the RawModuleDefV10 JSON, the default) or 9.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="MeridianHttpException">The request failed.</exception>
    public async Task<string> GetSchemaJsonAsync(string database, int version = 10, CancellationToken cancellationToken = default)
    {
        var url = DatabasePath(database) + "/schema?version=" + version.ToString(CultureInfo.InvariantCulture);
        return (await RequestAsync(HttpMethod.Get, url, null, cancellationToken).ConfigureAwait(false)).Body;
    }

    /// <summary>The tables and types of a database, for reading its rows without generated bindings (see <see cref="DynamicDbConnection"/>).</summary>
    /// <param name="database">The database's name or identity.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="MeridianHttpException">The request failed or the schema could not be read.</exception>
    public async Task<DatabaseSchema> GetSchemaAsync(string database, CancellationToken cancellationToken = default)
    {
        var json = await GetSchemaJsonAsync(database, 10, cancellationToken).ConfigureAwait(false);
        try
        {
            return DatabaseSchema.Parse(json);
        }
        catch (FormatException e)
        {
            throw new MeridianHttpException(
                MeridianHttpError.InvalidAnswer, $"the schema {Server} gave for {database} could not be read: {e.Message}", Server, innerException: e);
        }
    }
}
