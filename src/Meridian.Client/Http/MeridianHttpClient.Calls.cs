using System.Globalization;
using System.Text;
using System.Text.Json;
using Meridian.Sats.Json;

namespace Meridian.Client.Http;

public sealed partial class MeridianHttpClient
{
    /// <summary>
    /// Calls a reducer or procedure with its arguments as a SATS-JSON array
    /// (<c>POST /v1/database/:db/call/:name</c>). The call runs as the token's identity in a
    /// connection of its own, and returns once its transaction is durable.
    /// </summary>
    /// <param name="database">The database's name or identity.</param>
    /// <param name="function">The reducer's or procedure's name.</param>
    /// <param name="argumentsJson">The arguments, e.g. <c>["Hello", 42]</c>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A procedure's return value as SATS-JSON; empty for a reducer.</returns>
    /// <exception cref="MeridianHttpException">
    /// <see cref="MeridianHttpError.CallFailed"/> when it ran and failed (the message is its error), <see cref="MeridianHttpError.NotFound"/>,
    /// <see cref="MeridianHttpError.BadRequest"/> for arguments that do not fit, or the request failed.
    /// </exception>
    public async Task<string> CallAsync(string database, string function, string argumentsJson = "[]", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(argumentsJson);
        using var content = new StringContent(argumentsJson, Encoding.UTF8, "application/json");
        var url = DatabasePath(database) + "/call/" + Uri.EscapeDataString(function);
        var response = await SendAsync(HttpMethod.Post, url, content, Token, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccess)
            return response.Body;
        var error = response.ToException(Server);
        if (error.Error == MeridianHttpError.CallFailed)
            throw new MeridianHttpException(error.Error, $"{function} failed: {response.Message}", Server, response.Status, response.Message);
        if (error.Error == MeridianHttpError.NotFound && response.Body.Trim().Length == 0)
        {
            throw new MeridianHttpException(
                error.Error, $"no such database or reducer ({response.Message})", Server, response.Status, response.Message);
        }
        throw error;
    }

    /// <summary>
    /// Runs SQL statements (separated by <c>;</c>) as the token's identity
    /// (<c>POST /v1/database/:db/sql</c>): queries return rows, DML changes them.
    /// </summary>
    /// <param name="database">The database's name or identity.</param>
    /// <param name="sql">The SQL text.</param>
    /// <param name="options">A past offset to read, or unconfirmed reads; null for neither.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="MeridianHttpException">
    /// <see cref="MeridianHttpError.BadRequest"/> for SQL the server refuses (its message names the position), or the request failed.
    /// </exception>
    public async Task<SqlResult> SqlAsync(string database, string sql, SqlOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sql);
        var response = await SendAsync(HttpMethod.Post, SqlPath(database, options), sql, cancellationToken).ConfigureAwait(false);
        return response.IsSuccess ? ReadSql(response) : throw response.ToException(Server);
    }

    /// <summary>Sends SQL text and returns the answer, successful or not (the interactive shell shows errors itself).</summary>
    /// <param name="database">The database's name or identity.</param>
    /// <param name="sql">The SQL text.</param>
    /// <param name="options">A past offset to read, or unconfirmed reads; null for neither.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="MeridianHttpException">The server is unreachable or does not answer in time.</exception>
    public Task<HttpApiResponse> SendSqlAsync(string database, string sql, SqlOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sql);
        return SendAsync(HttpMethod.Post, SqlPath(database, options), sql, cancellationToken);
    }

    /// <summary>Reads a successful SQL answer into its statement results.</summary>
    /// <param name="response">The answer of <c>POST /v1/database/:db/sql</c>.</param>
    /// <exception cref="MeridianHttpException">The answer is not the array of results the API defines.</exception>
    public SqlResult ReadSql(HttpApiResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        TimeSpan? duration = response.Headers.TryGetValue("spacetime-execution-duration-micros", out var micros)
            && long.TryParse(micros, NumberStyles.None, CultureInfo.InvariantCulture, out var m)
            ? TimeSpan.FromTicks(m * 10) : null;
        return ParseJson(response, "the SQL request", root =>
        {
            var statements = new List<SqlStatementResult>();
            foreach (var statement in root.EnumerateArray())
            {
                var schema = SatsJson.ReadProductType(statement.GetProperty("schema"));
                var rows = new List<JsonElement>();
                foreach (var row in statement.GetProperty("rows").EnumerateArray())
                    rows.Add(row.Clone());
                long inserted = 0, deleted = 0, updated = 0;
                if (statement.TryGetProperty("stats", out var stats) && stats.ValueKind == JsonValueKind.Object)
                {
                    inserted = stats.TryGetProperty("rows_inserted", out var i) ? i.GetInt64() : 0;
                    deleted = stats.TryGetProperty("rows_deleted", out var d) ? d.GetInt64() : 0;
                    updated = stats.TryGetProperty("rows_updated", out var u) ? u.GetInt64() : 0;
                }
                statements.Add(new SqlStatementResult(schema, rows, inserted, deleted, updated));
            }
            return new SqlResult(response.Body, statements, duration);
        });
    }

    private Task<HttpApiResponse> SendAsync(HttpMethod method, string url, string text, CancellationToken cancellationToken)
    {
        var content = new StringContent(text, Encoding.UTF8, "text/plain");
        return SendDisposingAsync(method, url, content, cancellationToken);
    }

    private async Task<HttpApiResponse> SendDisposingAsync(HttpMethod method, string url, HttpContent content, CancellationToken cancellationToken)
    {
        using (content)
            return await SendAsync(method, url, content, Token, cancellationToken).ConfigureAwait(false);
    }

    private static string SqlPath(string database, SqlOptions? options)
    {
        var query = new List<string>();
        if (options?.AsOf is { } offset)
            query.Add("as_of=" + offset.ToString(CultureInfo.InvariantCulture));
        if (options is { Confirmed: false })
            query.Add("confirmed=false");
        return DatabasePath(database) + "/sql" + (query.Count > 0 ? "?" + string.Join("&", query) : "");
    }
}
