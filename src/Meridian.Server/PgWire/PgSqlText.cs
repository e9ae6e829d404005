namespace Meridian.Server.PgWire;

/// <summary>
/// What the protocol layer needs to know about a query's text before running it — how many statements it holds and
/// which keyword starts it — found by skipping quoted text and comments, never by parsing SQL (the runtime does that).
/// </summary>
internal static class PgSqlText
{
    /// <summary>The statements in <paramref name="sql"/>: the non-blank pieces between top-level semicolons, trimmed.</summary>
    public static List<string> Statements(string sql)
    {
        var statements = new List<string>();
        var start = 0;
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (c is '\'' or '"')
            {
                i = SkipQuoted(sql, i, c);
            }
            else if (c == '-' && i + 1 < sql.Length && sql[i + 1] == '-')
            {
                var end = sql.IndexOf('\n', i);
                i = end < 0 ? sql.Length : end + 1;
            }
            else if (c == '/' && i + 1 < sql.Length && sql[i + 1] == '*')
            {
                var end = sql.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? sql.Length : end + 2;
            }
            else if (c == ';')
            {
                Add(sql[start..i]);
                start = ++i;
            }
            else
            {
                i++;
            }
        }
        Add(sql[start..]);
        return statements;

        void Add(string piece)
        {
            if (!IsBlank(piece))
                statements.Add(piece.Trim());
        }
    }

    /// <summary>True when <paramref name="statement"/> changes data or settings and returns no rows (INSERT, UPDATE, DELETE, SET).</summary>
    public static bool ReturnsNoRows(string statement) =>
        FirstWord(statement).ToUpperInvariant() is "INSERT" or "UPDATE" or "DELETE" or "SET";

    /// <summary>True for <c>DISCARD ALL</c>, which pooling clients (Npgsql) send to reset a connection they reuse.</summary>
    public static bool IsDiscardAll(string statement)
    {
        var words = Strip(statement).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return words is [var discard, var all]
            && discard.Equals("DISCARD", StringComparison.OrdinalIgnoreCase) && all.Equals("ALL", StringComparison.OrdinalIgnoreCase);
    }

    private static string FirstWord(string statement)
    {
        var text = Strip(statement).TrimStart('(', ' ', '\t', '\r', '\n');
        var end = 0;
        while (end < text.Length && char.IsLetter(text[end]))
            end++;
        return text[..end];
    }

    // The text without comments (quoted text kept as it is).
    private static string Strip(string sql)
    {
        var sb = new System.Text.StringBuilder(sql.Length);
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (c is '\'' or '"')
            {
                var end = SkipQuoted(sql, i, c);
                sb.Append(sql, i, end - i);
                i = end;
            }
            else if (c == '-' && i + 1 < sql.Length && sql[i + 1] == '-')
            {
                var end = sql.IndexOf('\n', i);
                i = end < 0 ? sql.Length : end + 1;
                sb.Append(' ');
            }
            else if (c == '/' && i + 1 < sql.Length && sql[i + 1] == '*')
            {
                var end = sql.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? sql.Length : end + 2;
                sb.Append(' ');
            }
            else
            {
                sb.Append(c);
                i++;
            }
        }
        return sb.ToString().Trim();
    }

    private static bool IsBlank(string piece) => Strip(piece).Length == 0;

    // The index after the closing quote ('' or "" inside doubles it); the end of the text when it is not closed.
    private static int SkipQuoted(string sql, int open, char quote)
    {
        var i = open + 1;
        while (i < sql.Length)
        {
            if (sql[i] == quote)
            {
                if (i + 1 < sql.Length && sql[i + 1] == quote)
                {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return sql.Length;
    }
}
