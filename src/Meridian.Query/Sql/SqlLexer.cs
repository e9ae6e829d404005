using System.Text;

namespace Meridian.Query.Sql;

internal enum TokenKind
{
    Identifier,
    QuotedIdentifier,
    Number,
    String,
    Hex,
    Parameter,
    Symbol,
    End,
}

internal readonly record struct Token(TokenKind Kind, string Text, int Position)
{
    public bool IsKeyword(string keyword) => Kind == TokenKind.Identifier && Text.Equals(keyword, StringComparison.OrdinalIgnoreCase);

    public bool IsSymbol(string symbol) => Kind == TokenKind.Symbol && Text == symbol;

    public string Describe() => Kind switch
    {
        TokenKind.End => "the end of the query",
        TokenKind.String => $"'{Text}'",
        TokenKind.QuotedIdentifier => $"\"{Text}\"",
        _ => $"'{Text}'",
    };
}

/// <summary>Splits SQL text into tokens (identifiers are case-sensitive; keywords are matched case-insensitively).</summary>
internal static class SqlLexer
{
    // Keywords after which a sign starts a number (WHERE -1 = x, LIMIT -1), though they lex as identifiers.
    private static readonly string[] KeywordsBeforeOperand = ["SELECT", "WHERE", "AND", "OR", "NOT", "ON", "LIMIT", "OFFSET", "SET", "TO", "VALUES"];

    public static List<Token> Tokenize(string sql)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }
            if (c == '-' && i + 1 < sql.Length && sql[i + 1] == '-')
            {
                while (i < sql.Length && sql[i] != '\n')
                    i++;
                continue;
            }
            var start = i;
            if (c == '0' && i + 1 < sql.Length && (sql[i + 1] == 'x' || sql[i + 1] == 'X'))
            {
                i += 2;
                while (i < sql.Length && char.IsAsciiHexDigit(sql[i]))
                    i++;
                if (i == start + 2)
                    throw new SqlException($"Empty hex literal at position {start}.");
                tokens.Add(new Token(TokenKind.Hex, sql[(start + 2)..i], start));
            }
            else if ((c == 'X' || c == 'x') && i + 1 < sql.Length && sql[i + 1] == '\'')
            {
                var text = ReadQuoted(sql, ref i, '\'', 1);
                if (!text.All(char.IsAsciiHexDigit))
                    throw new SqlException($"Hex literal at position {start} holds non-hex characters.");
                tokens.Add(new Token(TokenKind.Hex, text, start));
            }
            else if (char.IsAsciiLetter(c) || c == '_')
            {
                while (i < sql.Length && (char.IsAsciiLetterOrDigit(sql[i]) || sql[i] == '_'))
                    i++;
                tokens.Add(new Token(TokenKind.Identifier, sql[start..i], start));
            }
            else if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < sql.Length && char.IsAsciiDigit(sql[i + 1])))
            {
                tokens.Add(new Token(TokenKind.Number, ReadNumber(sql, ref i), start));
            }
            else if ((c == '+' || c == '-') && i + 1 < sql.Length && (char.IsAsciiDigit(sql[i + 1]) || sql[i + 1] == '.') && !PreviousIsOperand(tokens))
            {
                i++;
                var number = ReadNumber(sql, ref i);
                tokens.Add(new Token(TokenKind.Number, c == '-' ? "-" + number : number, start));
            }
            else if (c == '\'')
            {
                tokens.Add(new Token(TokenKind.String, ReadQuoted(sql, ref i, '\'', 0), start));
            }
            else if (c == '"')
            {
                var name = ReadQuoted(sql, ref i, '"', 0);
                if (name.Length == 0)
                    throw new SqlException($"Empty quoted identifier at position {start}.");
                tokens.Add(new Token(TokenKind.QuotedIdentifier, name, start));
            }
            else if (c == ':')
            {
                i++;
                while (i < sql.Length && (char.IsAsciiLetterOrDigit(sql[i]) || sql[i] == '_'))
                    i++;
                tokens.Add(new Token(TokenKind.Parameter, sql[(start + 1)..i], start));
            }
            else
            {
                var two = i + 1 < sql.Length ? sql.Substring(i, 2) : "";
                if (two is "<=" or ">=" or "<>" or "!=")
                {
                    tokens.Add(new Token(TokenKind.Symbol, two, start));
                    i += 2;
                }
                else if ("*,.()=<>;+-/%".Contains(c, StringComparison.Ordinal))
                {
                    tokens.Add(new Token(TokenKind.Symbol, c.ToString(), start));
                    i++;
                }
                else
                {
                    throw new SqlException($"Unexpected character '{c}' at position {start}.");
                }
            }
        }
        tokens.Add(new Token(TokenKind.End, "", sql.Length));
        return tokens;
    }

    private static bool PreviousIsOperand(List<Token> tokens)
    {
        if (tokens.Count == 0)
            return false;
        var last = tokens[^1];
        if (last.Kind == TokenKind.Identifier)
            return !KeywordsBeforeOperand.Any(last.IsKeyword);
        return last.Kind is TokenKind.QuotedIdentifier or TokenKind.Number or TokenKind.String or TokenKind.Hex or TokenKind.Parameter || last.IsSymbol(")");
    }

    private static string ReadNumber(string sql, ref int i)
    {
        var start = i;
        while (i < sql.Length && char.IsAsciiDigit(sql[i]))
            i++;
        if (i < sql.Length && sql[i] == '.')
        {
            i++;
            while (i < sql.Length && char.IsAsciiDigit(sql[i]))
                i++;
        }
        if (i < sql.Length && (sql[i] == 'e' || sql[i] == 'E'))
        {
            var save = i;
            i++;
            if (i < sql.Length && (sql[i] == '+' || sql[i] == '-'))
                i++;
            if (i < sql.Length && char.IsAsciiDigit(sql[i]))
            {
                while (i < sql.Length && char.IsAsciiDigit(sql[i]))
                    i++;
            }
            else
            {
                i = save;
            }
        }
        if (i < sql.Length && (char.IsAsciiLetter(sql[i]) || sql[i] == '_'))
            throw new SqlException($"Malformed number at position {start}.");
        return sql[start..i];
    }

    private static string ReadQuoted(string sql, ref int i, char quote, int prefix)
    {
        var start = i;
        i += prefix + 1;
        var sb = new StringBuilder();
        while (true)
        {
            if (i >= sql.Length)
                throw new SqlException($"Unterminated {(quote == '"' ? "quoted identifier" : "string")} starting at position {start}.");
            if (sql[i] == quote)
            {
                if (i + 1 < sql.Length && sql[i + 1] == quote)
                {
                    sb.Append(quote);
                    i += 2;
                    continue;
                }
                i++;
                return sb.ToString();
            }
            sb.Append(sql[i++]);
        }
    }
}
