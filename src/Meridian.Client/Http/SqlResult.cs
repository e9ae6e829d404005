namespace Meridian.Client.Http;

/// <summary>The answer of <c>POST /v1/database/:db/sql</c>: one result per statement, and the JSON it was read from.</summary>
public sealed class SqlResult
{
    internal SqlResult(string json, IReadOnlyList<SqlStatementResult> statements, TimeSpan? serverDuration)
    {
        Json = json;
        Statements = statements;
        ServerDuration = serverDuration;
    }

    /// <summary>The server's answer as it came: an array of <c>{"schema", "rows", "total_duration_micros", "stats"}</c>.</summary>
    public string Json { get; }

    /// <summary>One result per statement, in order.</summary>
    public IReadOnlyList<SqlStatementResult> Statements { get; }

    /// <summary>How long the server took to run the statements, when it said.</summary>
    public TimeSpan? ServerDuration { get; }
}
