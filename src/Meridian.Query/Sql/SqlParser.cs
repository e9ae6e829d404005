namespace Meridian.Query.Sql;

/// <summary>Parses the ad-hoc SQL dialect and the subscription subset (sql-and-subscriptions.md §1–3).</summary>
public sealed class SqlParser
{
    // Words that end a table reference or cannot be a bare name; anything else may name a table or column.
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "SELECT", "FROM", "WHERE", "JOIN", "INNER", "LEFT", "RIGHT", "FULL", "OUTER", "CROSS", "ON", "AS",
        "AND", "OR", "NOT", "LIMIT", "OFFSET", "ORDER", "GROUP", "HAVING", "UNION", "EXCEPT", "INTERSECT",
        "INSERT", "INTO", "VALUES", "DELETE", "UPDATE", "SET", "DISTINCT", "TRUE", "FALSE", "NULL",
    };

    private readonly List<Token> _tokens;
    private int _pos;

    [ThreadStatic]
    private static int t_parses;

    private SqlParser(string sql) => _tokens = SqlLexer.Tokenize(sql);

    /// <summary>How many SQL texts this thread has parsed (tests check that a query is parsed once per request).</summary>
    internal static int ParsesOnThisThread => t_parses;

    /// <summary>Parses one or more statements separated by <c>;</c>.</summary>
    public static IReadOnlyList<SqlStatement> ParseStatements(string sql)
    {
        t_parses++;
        var p = new SqlParser(sql);
        var statements = new List<SqlStatement>();
        while (true)
        {
            while (p.Peek.IsSymbol(";"))
                p._pos++;
            if (p.Peek.Kind == TokenKind.End)
                break;
            statements.Add(p.ParseStatement());
            if (!p.Peek.IsSymbol(";") && p.Peek.Kind != TokenKind.End)
                throw p.Unexpected("';' or the end of the query");
        }
        if (statements.Count == 0)
            throw new SqlException("Empty query: there is no statement to run.");
        return statements;
    }

    /// <summary>Parses exactly one statement.</summary>
    public static SqlStatement ParseStatement(string sql)
    {
        var statements = ParseStatements(sql);
        return statements.Count == 1 ? statements[0] : throw new SqlException($"Expected one statement, found {statements.Count}.");
    }

    /// <summary>
    /// Parses a subscription query: one SELECT of whole rows of one table, from one table or an
    /// inner join of several, optionally an ordered window (ORDER BY with LIMIT/OFFSET); no
    /// aggregates or column list.
    /// </summary>
    public static SelectStatement ParseSubscription(string sql)
    {
        if (string.IsNullOrWhiteSpace(sql))
            throw new SqlException("Empty query: a subscription needs a SELECT.");
        var statement = ParseStatement(sql);
        if (statement is not SelectStatement select)
            throw new SqlException("Subscriptions only accept SELECT queries.");
        if (select.Projection is SqlProjection.Count or SqlProjection.Aggregates || select.GroupBy.Count > 0)
            throw new SqlException(
                "Aggregates are not live queries of their own: declare a view whose query has the aggregate, and subscribe to the view (see docs/sql.md).");
        if (select.Projection is not SqlProjection.Star star)
            throw new SqlException("Subscriptions must return whole rows of one table: use SELECT * or SELECT t.*.");
        if ((select.Limit is not null || select.Offset is not null) && select.OrderBy.Count == 0)
            throw new SqlException("LIMIT and OFFSET in a subscription need an ORDER BY, so the window they select is well defined.");
        if (select.Joins.Count >= 1 && star.Table is null)
            throw new SqlException("Names must be qualified when using joins: write SELECT t.* ...");
        return select;
    }

    private Token Peek => _tokens[_pos];

    private Token Next() => _tokens[_pos++];

    private SqlStatement ParseStatement()
    {
        var t = Peek;
        if (t.IsKeyword("EXPLAIN") && _tokens[_pos + 1].IsKeyword("SELECT"))
        {
            _pos++;
            return new ExplainStatement(ParseSelect());
        }
        if (t.IsKeyword("SELECT"))
            return ParseSelect();
        if (t.IsKeyword("INSERT"))
            return ParseInsert();
        if (t.IsKeyword("DELETE"))
            return ParseDelete();
        if (t.IsKeyword("UPDATE"))
            return ParseUpdate();
        if (t.IsKeyword("SET"))
        {
            _pos++;
            var name = ParseName("a variable name");
            if (!Peek.IsSymbol("=") && !Peek.IsKeyword("TO"))
                throw Unexpected("'=' or TO");
            _pos++;
            return new SetStatement(name, ParseOperand());
        }
        if (t.IsKeyword("SHOW"))
        {
            _pos++;
            return new ShowStatement(ParseName("a variable name"));
        }
        throw Unexpected("SELECT, INSERT, UPDATE, DELETE, SET or SHOW");
    }

    private SelectStatement ParseSelect()
    {
        Expect("SELECT");
        if (Peek.IsKeyword("DISTINCT"))
            throw new SqlException("DISTINCT is not supported.");
        var projection = ParseProjection();
        Expect("FROM");
        var from = ParseTableRef();
        var joins = new List<SqlJoin>();
        while (true)
        {
            if (Peek.IsSymbol(","))
                throw new SqlException("Implicit joins are not supported: use JOIN ... ON.");
            if (Peek.IsKeyword("LEFT") || Peek.IsKeyword("RIGHT") || Peek.IsKeyword("FULL") || Peek.IsKeyword("OUTER"))
                throw new SqlException("Non-inner joins are not supported.");
            if (Peek.IsKeyword("CROSS"))
            {
                _pos++;
                Expect("JOIN");
                joins.Add(new SqlJoin(ParseTableRef(), null));
                continue;
            }
            if (Peek.IsKeyword("INNER"))
            {
                _pos++;
                if (!Peek.IsKeyword("JOIN"))
                    throw Unexpected("JOIN");
            }
            if (!Peek.IsKeyword("JOIN"))
                break;
            _pos++;
            var table = ParseTableRef();
            SqlExpr? on = null;
            if (Peek.IsKeyword("ON"))
            {
                _pos++;
                on = ParseExpr();
            }
            joins.Add(new SqlJoin(table, on));
        }
        SqlExpr? where = null;
        if (Peek.IsKeyword("WHERE"))
        {
            _pos++;
            where = ParseExpr();
        }
        var groupBy = new List<SqlExpr.Column>();
        if (Peek.IsKeyword("GROUP"))
        {
            _pos++;
            Expect("BY");
            do
            {
                if (groupBy.Count > 0)
                    _pos++;
                groupBy.Add(ParseColumn());
            }
            while (Peek.IsSymbol(","));
        }
        if (Peek.IsKeyword("HAVING"))
            throw new SqlException($"HAVING is not supported (position {Peek.Position}): filter with WHERE, or in the client.");
        var orderBy = new List<SqlOrderItem>();
        if (Peek.IsKeyword("ORDER"))
        {
            _pos++;
            Expect("BY");
            do
            {
                if (orderBy.Count > 0)
                    _pos++;
                var column = ParseColumn();
                var descending = false;
                if (Peek.IsKeyword("DESC"))
                {
                    descending = true;
                    _pos++;
                }
                else if (Peek.IsKeyword("ASC"))
                {
                    _pos++;
                }
                orderBy.Add(new SqlOrderItem(column, descending));
            }
            while (Peek.IsSymbol(","));
        }
        ulong? limit = null, offset = null;
        while (Peek.IsKeyword("LIMIT") || Peek.IsKeyword("OFFSET"))
        {
            var isLimit = Peek.IsKeyword("LIMIT");
            if ((isLimit ? limit : offset) is not null)
                throw new SqlException($"{(isLimit ? "LIMIT" : "OFFSET")} is given twice (position {Peek.Position}).");
            _pos++;
            var n = Next();
            if (n.Kind != TokenKind.Number
                || !ulong.TryParse(n.Text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value))
                throw new SqlException($"{(isLimit ? "LIMIT" : "OFFSET")} needs a non-negative integer, got {n.Describe()} at position {n.Position}.");
            if (isLimit)
                limit = value;
            else
                offset = value;
        }
        foreach (var word in new[] { "ORDER", "GROUP", "HAVING", "UNION", "EXCEPT", "INTERSECT" })
        {
            if (Peek.IsKeyword(word))
                throw new SqlException($"{word.ToUpperInvariant()} is not supported here (position {Peek.Position}).");
        }
        return new SelectStatement(projection, from, joins, where, limit) { GroupBy = groupBy, OrderBy = orderBy, Offset = offset };
    }

    private SqlProjection ParseProjection()
    {
        if (Peek.IsSymbol("*"))
        {
            _pos++;
            return new SqlProjection.Star(null);
        }
        if (IsName(Peek) && _tokens[_pos + 1].IsSymbol(".") && _tokens[_pos + 2].IsSymbol("*"))
        {
            var table = ParseName("a table");
            _pos += 2;
            if (Peek.IsSymbol(","))
                throw new SqlException("A wildcard cannot be mixed with other projections.");
            return new SqlProjection.Star(table);
        }
        var items = new List<SqlSelectItem>();
        do
        {
            if (items.Count > 0)
                _pos++;
            if (Peek.IsSymbol("*"))
                throw new SqlException("A wildcard cannot be mixed with other projections.");
            items.Add(AggregateFunction(Peek) is { } function ? ParseAggregate(function) : ParseColumnItem());
        }
        while (Peek.IsSymbol(","));
        if (items is [SqlSelectItem.AggregateItem { Function: SqlAggregate.Count, Argument: null } count])
            return new SqlProjection.Count(count.Alias);
        if (items.Any(i => i is SqlSelectItem.AggregateItem))
            return new SqlProjection.Aggregates(items);
        return new SqlProjection.Columns(items.Cast<SqlSelectItem.ColumnItem>().Select(i => (i.Column, i.Alias)).ToList());
    }

    private SqlAggregate? AggregateFunction(Token t)
    {
        if (t.Kind != TokenKind.Identifier || !_tokens[_pos + 1].IsSymbol("("))
            return null;
        return t.Text.ToUpperInvariant() switch
        {
            "COUNT" => SqlAggregate.Count,
            "SUM" => SqlAggregate.Sum,
            "MIN" => SqlAggregate.Min,
            "MAX" => SqlAggregate.Max,
            _ => null,
        };
    }

    private SqlSelectItem.AggregateItem ParseAggregate(SqlAggregate function)
    {
        var name = Next().Text.ToUpperInvariant();
        ExpectSymbol("(");
        if (Peek.IsKeyword("DISTINCT"))
            throw new SqlException($"{name}(DISTINCT ...) is not supported (position {Peek.Position}).");
        SqlExpr.Column? argument = null;
        if (Peek.IsSymbol("*"))
        {
            if (function != SqlAggregate.Count)
                throw new SqlException($"{name}(*) is not valid: only COUNT takes *; write {name}(column).");
            _pos++;
        }
        else
        {
            argument = ParseColumn();
        }
        ExpectSymbol(")");
        if (Peek.IsKeyword("AS"))
            _pos++;
        if (Peek.Kind is not (TokenKind.Identifier or TokenKind.QuotedIdentifier) || (Peek.Kind == TokenKind.Identifier && Reserved.Contains(Peek.Text)))
        {
            var call = $"{name}({(argument is null ? "*" : argument.ToString())})";
            throw new SqlException($"{call} needs an alias: {call} AS n.");
        }
        return new SqlSelectItem.AggregateItem(function, argument, ParseName("an alias"));
    }

    private SqlSelectItem.ColumnItem ParseColumnItem()
    {
        var column = ParseColumn();
        string? alias = null;
        if (Peek.IsKeyword("AS"))
        {
            _pos++;
            alias = ParseName("an alias");
        }
        else if (IsName(Peek) && !Peek.IsKeyword("FROM"))
        {
            alias = ParseName("an alias");
        }
        return new SqlSelectItem.ColumnItem(column, alias);
    }

    private InsertStatement ParseInsert()
    {
        Expect("INSERT");
        Expect("INTO");
        var table = ParseName("a table");
        List<string>? columns = null;
        if (Peek.IsSymbol("("))
        {
            _pos++;
            columns = [];
            do
            {
                if (columns.Count > 0)
                    _pos++;
                columns.Add(ParseName("a column"));
            }
            while (Peek.IsSymbol(","));
            ExpectSymbol(")");
        }
        Expect("VALUES");
        var rows = new List<IReadOnlyList<SqlExpr>>();
        do
        {
            if (rows.Count > 0)
                _pos++;
            ExpectSymbol("(");
            var values = new List<SqlExpr>();
            do
            {
                if (values.Count > 0)
                    _pos++;
                values.Add(ParseOperand());
            }
            while (Peek.IsSymbol(","));
            ExpectSymbol(")");
            rows.Add(values);
        }
        while (Peek.IsSymbol(","));
        return new InsertStatement(table, columns, rows);
    }

    private DeleteStatement ParseDelete()
    {
        Expect("DELETE");
        Expect("FROM");
        var table = ParseTableRef();
        if (Peek.IsKeyword("JOIN") || Peek.IsKeyword("INNER"))
            throw new SqlException("DELETE does not support joins.");
        SqlExpr? where = null;
        if (Peek.IsKeyword("WHERE"))
        {
            _pos++;
            where = ParseExpr();
        }
        return new DeleteStatement(table, where);
    }

    private UpdateStatement ParseUpdate()
    {
        Expect("UPDATE");
        var table = ParseTableRef();
        Expect("SET");
        var assignments = new List<(SqlExpr.Column, SqlExpr)>();
        do
        {
            if (assignments.Count > 0)
                _pos++;
            var column = ParseColumn();
            ExpectSymbol("=");
            assignments.Add((column, ParseOperand()));
        }
        while (Peek.IsSymbol(","));
        SqlExpr? where = null;
        if (Peek.IsKeyword("WHERE"))
        {
            _pos++;
            where = ParseExpr();
        }
        return new UpdateStatement(table, assignments, where);
    }

    private TableRef ParseTableRef()
    {
        if (Peek.IsSymbol("("))
            throw new SqlException("Subqueries are not supported.");
        var position = Peek.Position;
        var name = ParseName("a table");
        while (Peek.IsSymbol(".") && IsName(_tokens[_pos + 1]))
        {
            _pos++;
            name = name + "." + ParseName("a table");
        }
        string? alias = null;
        if (Peek.IsKeyword("AS"))
        {
            _pos++;
            alias = ParseName("an alias");
        }
        else if (IsName(Peek))
        {
            alias = ParseName("an alias");
        }
        return new TableRef(name, alias) { Position = position };
    }

    private SqlExpr ParseExpr()
    {
        var left = ParseAnd();
        while (Peek.IsKeyword("OR"))
        {
            _pos++;
            left = new SqlExpr.Or(left, ParseAnd());
        }
        return left;
    }

    private SqlExpr ParseAnd()
    {
        var left = ParseNot();
        while (Peek.IsKeyword("AND"))
        {
            _pos++;
            left = new SqlExpr.And(left, ParseNot());
        }
        return left;
    }

    private SqlExpr ParseNot()
    {
        if (Peek.IsKeyword("NOT"))
        {
            _pos++;
            return new SqlExpr.Not(ParseNot());
        }
        return ParseComparison();
    }

    private SqlExpr ParseComparison()
    {
        if (Peek.IsSymbol("("))
        {
            _pos++;
            var inner = ParseExpr();
            ExpectSymbol(")");
            if (IsComparisonOperator(Peek))
                throw new SqlException($"Cannot compare a condition at position {Peek.Position}: arithmetic and nested comparisons are not supported.");
            return inner;
        }
        var left = ParseOperand();
        // TRUE and FALSE are conditions by themselves (WHERE TRUE, ON TRUE), as upstream accepts.
        if (left is SqlExpr.Bool && !IsComparisonOperator(Peek))
            return left;
        // x IS [NOT] NULL (beyond upstream, whose SQL has no NULL) reads as x = NULL / x <> NULL: a test for an absent option.
        if (Peek.IsKeyword("IS"))
        {
            _pos++;
            var negated = Peek.IsKeyword("NOT");
            if (negated)
                _pos++;
            if (!Peek.IsKeyword("NULL"))
                throw Unexpected(negated ? "NULL after IS NOT" : "NULL or NOT NULL after IS");
            _pos++;
            return new SqlExpr.Compare(left, negated ? SqlComparison.NotEq : SqlComparison.Eq, new SqlExpr.Null());
        }
        if (!IsComparisonOperator(Peek))
        {
            if (Peek.Kind == TokenKind.Symbol && Peek.Text is "+" or "-" or "*" or "/" or "%")
                throw new SqlException("Arithmetic is not supported.");
            throw Unexpected("a comparison operator (=, <>, !=, <, <=, >, >=)");
        }
        var op = Next().Text switch
        {
            "=" => SqlComparison.Eq,
            "!=" or "<>" => SqlComparison.NotEq,
            "<" => SqlComparison.Lt,
            "<=" => SqlComparison.LtEq,
            ">" => SqlComparison.Gt,
            _ => SqlComparison.GtEq,
        };
        var right = ParseOperand();
        if (Peek.Kind == TokenKind.Symbol && Peek.Text is "+" or "-" or "*" or "/" or "%")
            throw new SqlException("Arithmetic is not supported.");
        if (IsComparisonOperator(Peek))
            throw new SqlException($"Chained comparisons are not supported (position {Peek.Position}).");
        return new SqlExpr.Compare(left, op, right);
    }

    private static bool IsComparisonOperator(Token t) =>
        t.Kind == TokenKind.Symbol && t.Text is "=" or "!=" or "<>" or "<" or "<=" or ">" or ">=";

    private SqlExpr ParseOperand()
    {
        var t = Peek;
        switch (t.Kind)
        {
            case TokenKind.Number:
                _pos++;
                return new SqlExpr.Number(t.Text);
            case TokenKind.String:
                _pos++;
                return new SqlExpr.String(t.Text);
            case TokenKind.Hex:
                _pos++;
                return new SqlExpr.Hex(t.Text);
            case TokenKind.Parameter:
                _pos++;
                return t.Text.Equals("sender", StringComparison.Ordinal)
                    ? new SqlExpr.Sender()
                    : throw new SqlException($"Unknown parameter :{t.Text} at position {t.Position}; only :sender is supported.");
        }
        if (t.IsKeyword("TRUE") || t.IsKeyword("FALSE"))
        {
            _pos++;
            return new SqlExpr.Bool(t.IsKeyword("TRUE"));
        }
        if (t.IsKeyword("NULL"))
        {
            _pos++;
            return new SqlExpr.Null();
        }
        if (t.IsKeyword("SELECT") || (t.IsSymbol("(") && _tokens[_pos + 1].IsKeyword("SELECT")))
            throw new SqlException("Subqueries are not supported.");
        if (IsName(t))
            return ParseColumn();
        throw Unexpected("a column or a literal");
    }

    private SqlExpr.Column ParseColumn()
    {
        var position = Peek.Position;
        var first = ParseName("a column");
        if (!Peek.IsSymbol("."))
            return new SqlExpr.Column(null, first) { Position = position };
        _pos++;
        var second = ParseName("a column");
        // For a.b.c (a submodule table), the last part is the column.
        while (Peek.IsSymbol("."))
        {
            _pos++;
            first = first + "." + second;
            second = ParseName("a column");
        }
        return new SqlExpr.Column(first, second) { Position = position };
    }

    private static bool IsName(Token t) =>
        t.Kind == TokenKind.QuotedIdentifier || (t.Kind == TokenKind.Identifier && !Reserved.Contains(t.Text));

    private string ParseName(string what)
    {
        var t = Peek;
        if (t.Kind == TokenKind.QuotedIdentifier || (t.Kind == TokenKind.Identifier && !Reserved.Contains(t.Text)))
        {
            _pos++;
            return t.Text;
        }
        if (t.Kind == TokenKind.Identifier)
            throw new SqlException($"Expected {what} at position {t.Position}, found the reserved word {t.Text}; quote it as \"{t.Text}\" if it is a name.");
        throw Unexpected(what);
    }

    private void Expect(string keyword)
    {
        if (!Peek.IsKeyword(keyword))
            throw Unexpected(keyword);
        _pos++;
    }

    private void ExpectSymbol(string symbol)
    {
        if (!Peek.IsSymbol(symbol))
            throw Unexpected($"'{symbol}'");
        _pos++;
    }

    private SqlException Unexpected(string expected) =>
        new($"Expected {expected} at position {Peek.Position}, found {Peek.Describe()}.");
}
