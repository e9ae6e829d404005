using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Meridian.Client.Http;

public sealed partial class MeridianHttpClient
{
    /// <summary>How often dumps and restores report progress.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan MinimumWait = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Writes a consistent backup of a database the token's identity owns (module, schema and data at
    /// one transaction offset) to <paramref name="destination"/> (<c>GET /v1/database/:db/dump</c>).
    /// The server stages the dump first, then sends it; <paramref name="progress"/> hears about both.
    /// Not limited by <see cref="RequestTimeout"/> (a large dump takes as long as it takes): cancel with the token.
    /// </summary>
    /// <param name="database">The database's name or identity.</param>
    /// <param name="destination">Where the dump goes; flushed, not closed.</param>
    /// <param name="progress">Told about once per <see cref="ProgressInterval"/>; null for silence.</param>
    /// <param name="cancellationToken">Cancels the dump.</param>
    /// <exception cref="MeridianHttpException">
    /// The database is not the identity's, has nothing to dump, the connection ended early, or the request failed.
    /// </exception>
    public async Task<DumpInfo> DumpAsync(
        string database, Stream destination, IProgress<TransferProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var sending = SendCoreAsync(HttpMethod.Get, DatabasePath(database) + "/dump", null, Token, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await WaitReportingAsync(sending, progress, cancellationToken).ConfigureAwait(false);
        using var response = await sending.ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw (await ReadAsync(response, cancellationToken).ConfigureAwait(false)).ToException(Server);
        var total = response.Content.Headers.ContentLength;
#if NET
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
#else
        var body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
#endif
        long written;
        using (body)
            written = await CopyAsync(body, destination, TransferStage.Downloading, total, progress, cancellationToken).ConfigureAwait(false);
        await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (total is { } expected && expected != written)
        {
            throw new MeridianHttpException(
                MeridianHttpError.InvalidAnswer, $"the connection to {Server} ended after {written} of {expected} bytes of the dump.", Server);
        }
        return new DumpInfo(
            ULong(Header(response, "meridian-dump-offset")),
            Long(Header(response, "meridian-dump-tables")),
            Long(Header(response, "meridian-dump-rows")),
            written);
    }

    /// <summary>
    /// Restores a dump (<c>POST /v1/database/:name/restore</c>) into a new database, or, with
    /// <paramref name="replace"/>, in place of one the token's identity owns (keeping its identity).
    /// Not limited by <see cref="RequestTimeout"/>: cancel with the token.
    /// </summary>
    /// <param name="name">The database to create or replace.</param>
    /// <param name="dump">A dump written by <see cref="DumpAsync"/>, read from its current position to its end.</param>
    /// <param name="replace">Replace the database when it exists (else that is a <see cref="MeridianHttpError.Conflict"/>).</param>
    /// <param name="progress">Told about the upload and the server's work about once per <see cref="ProgressInterval"/>; null for silence.</param>
    /// <param name="cancellationToken">Cancels the restore.</param>
    /// <exception cref="MeridianHttpException">
    /// The database exists (without <paramref name="replace"/>), is not the identity's, the dump is bad, or the request failed.
    /// </exception>
    public async Task<RestoreResult> RestoreAsync(
        string name, Stream dump, bool replace = false, IProgress<TransferProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dump);
        long? length = dump.CanSeek ? dump.Length - dump.Position : null;
        using var content = new UploadContent(this, dump, length, progress);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var url = DatabasePath(name) + "/restore" + (replace ? "?replace=true" : "");
        var sending = SendCoreAsync(HttpMethod.Post, url, content, Token, HttpCompletionOption.ResponseContentRead, cancellationToken);
        await WaitReportingAsync(sending, null, cancellationToken, () => content.Uploaded ? progress : null).ConfigureAwait(false);
        using var response = await sending.ConfigureAwait(false);
        var answer = await ReadAsync(response, cancellationToken).ConfigureAwait(false);
        if (!answer.IsSuccess)
            throw answer.ToException(Server);
        return ParseJson(answer, "the restore", r => new RestoreResult(
            r.GetProperty("database").GetString() ?? name,
            r.GetProperty("database_identity").GetString() ?? "",
            r.GetProperty("op").GetString() == "replaced",
            r.TryGetProperty("source_database", out var source) ? source.GetString() : null,
            r.GetProperty("offset").GetUInt64(),
            r.GetProperty("tables").GetInt64(),
            r.GetProperty("rows").GetInt64()));
    }

    /// <summary>
    /// Lists logged transactions of a database the token's identity owns (<c>GET /v1/database/:db/history</c>):
    /// from <paramref name="from"/> on, or the latest when it is null.
    /// </summary>
    /// <param name="database">The database's name or identity.</param>
    /// <param name="from">The first offset to list, or null for the latest <paramref name="limit"/>.</param>
    /// <param name="limit">How many to list, 1 to 10000.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="MeridianHttpException">The database is not the identity's, its history is not kept that far back, or the request failed.</exception>
    public async Task<HistoryPage> GetHistoryAsync(string database, ulong? from = null, int limit = 100, CancellationToken cancellationToken = default)
    {
        var url = DatabasePath(database) + "/history?limit=" + limit.ToString(CultureInfo.InvariantCulture)
            + (from is { } first ? "&from=" + first.ToString(CultureInfo.InvariantCulture) : "");
        var response = await RequestAsync(HttpMethod.Get, url, null, cancellationToken).ConfigureAwait(false);
        return ParseJson(response, "the history request", root =>
        {
            var list = new List<HistoryTransaction>();
            foreach (var t in root.GetProperty("transactions").EnumerateArray())
            {
                var tables = new List<(string, long, long)>();
                if (t.TryGetProperty("tables", out var changes) && changes.ValueKind == JsonValueKind.Array)
                {
                    foreach (var c in changes.EnumerateArray())
                        tables.Add((c.GetProperty("name").GetString() ?? "", c.GetProperty("inserted").GetInt64(), c.GetProperty("deleted").GetInt64()));
                }
                var schemaChanges = new List<string>();
                if (t.TryGetProperty("schema_changes", out var schema) && schema.ValueKind == JsonValueKind.Array)
                {
                    foreach (var c in schema.EnumerateArray())
                        schemaChanges.Add(c.GetString() ?? "");
                }
                list.Add(new HistoryTransaction(
                    t.GetProperty("offset").GetUInt64(),
                    DateTimeOffset.FromUnixTimeMilliseconds(0).AddTicks(t.GetProperty("time_micros").GetInt64() * 10),
                    OptionalString(t, "reducer"),
                    OptionalString(t, "caller"),
                    OptionalString(t, "error"),
                    t.GetProperty("rows_inserted").GetInt64(),
                    t.GetProperty("rows_deleted").GetInt64(),
                    tables,
                    schemaChanges));
            }
            ulong? last = root.TryGetProperty("last_offset", out var l) && l.ValueKind == JsonValueKind.Number ? l.GetUInt64() : null;
            return new HistoryPage(OptionalString(root, "database") ?? database, last, list, response.Body);
        });
    }

    /// <summary>The last <paramref name="lines"/> records of a database's module log (all kept when null); owner only.</summary>
    /// <param name="database">The database's name or identity.</param>
    /// <param name="lines">How many of the latest records, or null for all the server keeps.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="MeridianHttpException">The database is not the identity's, or the request failed.</exception>
    public async Task<IReadOnlyList<LogRecord>> GetLogsAsync(string database, int? lines = null, CancellationToken cancellationToken = default)
    {
        var records = new List<LogRecord>();
        await foreach (var record in ReadLogsAsync(database, lines, follow: false, cancellationToken).ConfigureAwait(false))
            records.Add(record);
        return records;
    }

    /// <summary>
    /// The last <paramref name="lines"/> records of a database's module log, then each new one as it is
    /// logged, until <paramref name="cancellationToken"/> is cancelled or the server ends the stream.
    /// </summary>
    /// <param name="database">The database's name or identity.</param>
    /// <param name="lines">How many of the latest records to start with, or null for all the server keeps.</param>
    /// <param name="cancellationToken">Stops following.</param>
    /// <exception cref="MeridianHttpException">The database is not the identity's, or the request failed.</exception>
    public IAsyncEnumerable<LogRecord> FollowLogsAsync(string database, int? lines = null, CancellationToken cancellationToken = default) =>
        ReadLogsAsync(database, lines, follow: true, cancellationToken);

    private async IAsyncEnumerable<LogRecord> ReadLogsAsync(
        string database, int? lines, bool follow, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (lines is < 0)
            throw new ArgumentOutOfRangeException(nameof(lines), "The number of lines must not be negative.");
        var url = DatabasePath(database) + "/logs?"
            + (lines is { } n ? "num_lines=" + n.ToString(CultureInfo.InvariantCulture) + "&" : "")
            + (follow ? "follow=true" : "follow=false");
        using var response = await SendStreamingAsync(HttpMethod.Get, url, null, cancellationToken).ConfigureAwait(false);
#if NET
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
#else
        var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
#endif
        using var reader = new StreamReader(stream);
        while (true)
        {
#if NET
            var line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
#else
            cancellationToken.ThrowIfCancellationRequested();
            var line = await reader.ReadLineAsync().ConfigureAwait(false);
#endif
            if (line is null)
                yield break;
            if (line.Length > 0)
                yield return LogRecord.Parse(line);
        }
    }

    // Waits for a request, telling `progress` every interval that the server is still at work.
    private async Task WaitReportingAsync(
        Task sending, IProgress<TransferProgress>? progress, CancellationToken cancellationToken, Func<IProgress<TransferProgress>?>? current = null)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan? waitingSince = null;
        while (!sending.IsCompleted && !cancellationToken.IsCancellationRequested)
        {
            using var tick = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            // Never a busy loop, even with an interval of zero (tests use one to see every chunk of a transfer).
            var delay = Task.Delay(ProgressInterval < MinimumWait ? MinimumWait : ProgressInterval, tick.Token);
            if (await Task.WhenAny(sending, delay).ConfigureAwait(false) == sending)
            {
                tick.Cancel();
                break;
            }
            var target = current is null ? progress : current();
            if (target is null)
                continue;
            waitingSince ??= clock.Elapsed - ProgressInterval;
            target.Report(new TransferProgress(TransferStage.WaitingForServer, 0, null, clock.Elapsed - waitingSince.Value));
        }
    }

    private async Task<long> CopyAsync(
        Stream source, Stream destination, TransferStage stage, long? total, IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var last = TimeSpan.Zero;
        var buffer = new byte[1 << 16];
        long done = 0;
        int read;
        while ((read = await source.ReadAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false)) > 0)
        {
            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            done += read;
            if (progress is not null && clock.Elapsed - last >= ProgressInterval)
            {
                last = clock.Elapsed;
                progress.Report(new TransferProgress(stage, done, total, clock.Elapsed));
            }
        }
        progress?.Report(new TransferProgress(stage, done, total, clock.Elapsed));
        return done;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    private static ulong? ULong(string? text) =>
        ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static long? Long(string? text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static string? OptionalString(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    // A request body read from a stream, reporting the upload and noting when it is all sent.
    private sealed class UploadContent(MeridianHttpClient client, Stream source, long? length, IProgress<TransferProgress>? progress) : HttpContent
    {
        private volatile bool _uploaded;

        public bool Uploaded => _uploaded;

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await client.CopyAsync(source, stream, TransferStage.Uploading, length, progress, CancellationToken.None).ConfigureAwait(false);
            _uploaded = true;
        }

        protected override bool TryComputeLength(out long length1)
        {
            length1 = length ?? -1;
            return length is not null;
        }
    }
}
