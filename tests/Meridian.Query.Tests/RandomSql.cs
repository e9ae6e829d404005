using System.Globalization;
using System.Text;
using Meridian.Sats.Types;
using Meridian.Sats.Values;
using Meridian.Storage;
using Meridian.Storage.Schema;

namespace Meridian.Query.Tests;

/// <summary>
/// Random small schemas, rows and SELECTs of the supported grammar, for differential tests, and a
/// reference evaluator: nested loops over decoded rows with plain C# comparisons. The reference
/// never goes through the binder, the planner or the row-byte predicates it checks.
/// </summary>
internal sealed class RandomSql(Random random)
{
    public enum Kind
    {
        I32,
        U8,
        I64,
        String,
        F64,
        Bool,

        /// <summary>An optional i32 (a module's <c>int?</c>): compared as C#'s lifted operators compare <c>long?</c>.</summary>
        OptI32,
    }

    /// <summary>A table: its column kinds, and its rows as last read back from storage.</summary>
    public sealed record Table(string Name, TableId Id, Kind[] Columns);

    public abstract record Operand;

    public sealed record ColumnOperand(int Source, int Column) : Operand;

    public sealed record LiteralOperand(object? Value, string Text) : Operand;

    public abstract record Condition;

    public sealed record Compare(Operand Left, string Op, Operand Right, Kind Kind) : Condition
    {
        /// <summary>Rendered as <c>Left Spelling</c> (IS NULL, IS NOT NULL) instead of <c>Left Op Right</c> when set.</summary>
        public string? Spelling { get; init; }
    }

    public sealed record AllOf(Condition Left, Condition Right) : Condition;

    public sealed record AnyOf(Condition Left, Condition Right) : Condition;

    public sealed record Negation(Condition Operand) : Condition;

    public sealed record Constant(bool Value) : Condition;

    /// <summary>Where a projection takes its values from: whole rows of a source, columns, or a count.</summary>
    public abstract record Output;

    public sealed record RowsOf(int Source) : Output;

    public sealed record ColumnsOf(IReadOnlyList<(int Source, int Column, string? Alias)> Items) : Output;

    public sealed record CountAs(string Alias) : Output;

    /// <summary>A generated query: sources, conditions (each with the join whose ON holds it, or -1 for WHERE), output, limit.</summary>
    public sealed record Query(IReadOnlyList<Table> Sources, IReadOnlyList<string?> Aliases, IReadOnlyList<(Condition Condition, int Join)> Conditions,
        IReadOnlyList<bool> CrossJoins, Output Output, ulong? Limit, bool QuoteNames)
    {
        public string Name(int source) => Aliases[source] ?? Sources[source].Name;
    }

    private static readonly string[] StringValues = ["", "a", "ab", "b", "a'b", "é", "z", "Ａ", "😀"];
    private static readonly double[] FloatValues = [-1.5, -0.0, 0.0, 0.5, 2.0];
    private static readonly string[] Operators = ["=", "!=", "<>", "<", "<=", ">", ">="];
    private static readonly string[] NullTests = ["=", "!=", "<>", "IS NULL", "is not null"];

    private bool Chance(double p) => random.NextDouble() < p;

    private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

    // ---- schemas and rows ----

    /// <summary>Creates <paramref name="count"/> tables of 2–4 columns with random indexes (btree, multi-column, hash, unique).</summary>
    public List<Table> CreateSchema(TestDatabase db, int count)
    {
        var tables = new List<Table>();
        for (var t = 0; t < count; t++)
        {
            var kinds = Enumerable.Range(0, random.Next(2, 5)).Select(_ => (Kind)random.Next(7)).ToArray();
            // Most columns integers or strings, so joins and index paths find partners.
            for (var c = 0; c < kinds.Length; c++)
            {
                if (kinds[c] is Kind.F64 or Kind.Bool && Chance(0.5))
                    kinds[c] = Chance(0.5) ? Kind.I32 : Kind.String;
            }
            var name = $"t{t}";
            var indexes = new List<IndexSchema>();
            void AddIndex(int[] columns, IndexAlgorithm algorithm = IndexAlgorithm.BTree, bool unique = false) =>
                indexes.Add(new IndexSchema($"{name}_ix{indexes.Count}", columns, algorithm, unique));
            if (Chance(0.5))
                AddIndex([random.Next(kinds.Length)]);
            if (Chance(0.35))
                AddIndex(Distinct(2, kinds.Length));
            if (Chance(0.25))
                AddIndex(Chance(0.5) ? [random.Next(kinds.Length)] : Distinct(2, kinds.Length), IndexAlgorithm.Hash);
            if (Chance(0.25) && kinds[0] != Kind.F64)
                AddIndex([0], unique: true);
            var rowType = AlgebraicType.Product(kinds.Select((k, i) => ((string?)$"c{i}", TypeOf(k))).ToArray());
            var id = db.Create(new TableSchema(name, rowType, indexes: indexes));
            tables.Add(new Table(name, id, kinds));
        }
        return tables;
    }

    private int[] Distinct(int count, int of) => Enumerable.Range(0, of).OrderBy(_ => random.Next()).Take(Math.Min(count, of)).ToArray();

    public static AlgebraicType TypeOf(Kind kind) => kind switch
    {
        Kind.I32 => AlgebraicType.I32,
        Kind.U8 => AlgebraicType.U8,
        Kind.I64 => AlgebraicType.I64,
        Kind.String => AlgebraicType.String,
        Kind.F64 => AlgebraicType.F64,
        Kind.OptI32 => AlgebraicType.Option(AlgebraicType.I32),
        _ => AlgebraicType.Bool,
    };

    /// <summary>A value of a column of <paramref name="kind"/>, mostly from a small domain so conditions and joins match.</summary>
    public object? Value(Kind kind) => kind switch
    {
        Kind.OptI32 => Chance(0.3) ? null : (long)random.Next(-3, 4),
        Kind.I32 => Chance(0.04) ? (long)(Chance(0.5) ? int.MinValue : int.MaxValue) : random.Next(-3, 4),
        Kind.U8 => Chance(0.04) ? 255L : random.Next(0, 5),
        Kind.I64 => Chance(0.04) ? long.MinValue : random.Next(-3, 4),
        Kind.String => Pick(StringValues),
        Kind.F64 => Pick(FloatValues),
        _ => Chance(0.5),
    };

    public static AlgebraicValue ToValue(Kind kind, object? value) => kind switch
    {
        Kind.OptI32 => value is null ? AlgebraicValue.OptionNone : AlgebraicValue.OptionSome(AlgebraicValue.I32((int)(long)value)),
        Kind.I32 => AlgebraicValue.I32((int)(long)value!),
        Kind.U8 => AlgebraicValue.U8((byte)(long)value!),
        Kind.I64 => AlgebraicValue.I64((long)value!),
        Kind.String => AlgebraicValue.String((string)value!),
        Kind.F64 => AlgebraicValue.F64((double)value!),
        _ => AlgebraicValue.Bool((bool)value!),
    };

    public static object? FromValue(Kind kind, AlgebraicValue value) => kind switch
    {
        Kind.OptI32 => ((SumValue)value).Tag == 0 ? (long)((SumValue)value).Payload.AsI32() : null,
        Kind.I32 => (long)value.AsI32(),
        Kind.U8 => (long)value.AsU8(),
        Kind.I64 => value.AsI64(),
        Kind.String => value.AsString(),
        Kind.F64 => value.AsF64(),
        _ => value.AsBool(),
    };

    public ProductValue RandomRow(Table table) => AlgebraicValue.Product(table.Columns.Select(k => ToValue(k, Value(k))).ToArray());

    /// <summary>Inserts up to <paramref name="rows"/> random rows, skipping those a unique index refuses.</summary>
    public void Fill(Transaction tx, Table table, int rows)
    {
        for (var i = 0; i < rows; i++)
            TryInsert(tx, table, RandomRow(table));
    }

    public static bool TryInsert(Transaction tx, Table table, ProductValue row)
    {
        try
        {
            tx.Insert(table.Id, row);
            return true;
        }
        catch (UniqueConstraintViolationException)
        {
            return false;
        }
    }

    // ---- queries ----

    /// <summary>
    /// A random SELECT over 1–<paramref name="maxSources"/> sources (repeats make self-joins), with
    /// join equalities, conditions within and across sources, and (unless <paramref name="rowsOnly"/>)
    /// column lists, COUNT and LIMIT. <paramref name="sourceCount"/> fixes the number of sources.
    /// </summary>
    public Query RandomQuery(IReadOnlyList<Table> tables, int maxSources, bool rowsOnly, int? sourceCount = null)
    {
        var count = sourceCount ?? 1 + random.Next(maxSources);
        var sources = Enumerable.Range(0, count).Select(_ => Pick(tables)).ToList();
        var aliases = Enumerable.Range(0, count).Select(i => count == 1 && Chance(0.5) ? null : $"a{i}").ToList();
        var conditions = new List<(Condition, int)>();
        var cross = Enumerable.Range(0, count - 1).Select(_ => false).ToList();
        for (var s = 1; s < count; s++)
        {
            // Mostly an equality with an earlier source, as real joins have; sometimes none (a cross product) or a range.
            if (Chance(0.8))
            {
                var column = random.Next(sources[s].Columns.Length);
                var kind = sources[s].Columns[column];
                var partners = Enumerable.Range(0, s)
                    .SelectMany(p => Enumerable.Range(0, sources[p].Columns.Length).Where(c => sources[p].Columns[c] == kind).Select(c => (p, c)))
                    .ToList();
                if (partners.Count > 0)
                {
                    var (p, c) = Pick(partners);
                    Operand mine = new ColumnOperand(s, column), theirs = new ColumnOperand(p, c);
                    var op = Chance(0.85) ? "=" : Pick(Operators);
                    conditions.Add((Chance(0.5) ? new Compare(mine, op, theirs, kind) : new Compare(theirs, Flip(op), mine, kind), Chance(0.75) ? s - 1 : -1));
                    continue;
                }
            }
            cross[s - 1] = Chance(0.3);
        }
        for (var n = random.Next(0, 4); n > 0; n--)
        {
            var condition = RandomCondition(sources, depth: 0);
            var last = Sources(condition).DefaultIfEmpty(0).Max();
            // ON of a join that binds every source the condition reads, or WHERE.
            var join = count > 1 && Chance(0.3) ? random.Next(Math.Max(last, 1), count) - 1 : -1;
            if (join >= 0)
                cross[join] = false;
            conditions.Add((condition, join));
        }

        Output output;
        var choice = rowsOnly ? 0 : random.Next(10);
        if (choice < 4)
        {
            output = new RowsOf(random.Next(count));
        }
        else if (choice < 8)
        {
            output = new ColumnsOf(Enumerable.Range(0, random.Next(1, 4)).Select(i =>
            {
                var s = random.Next(count);
                return (s, random.Next(sources[s].Columns.Length), Chance(0.4) ? $"x{i}" : null);
            }).ToList());
        }
        else
        {
            output = new CountAs("n");
        }
        ulong? limit = !rowsOnly && Chance(0.15) ? (ulong)random.Next(0, 6) : null;
        return new Query(sources, aliases, conditions, cross, output, limit, Chance(0.2));
    }

    private static string Flip(string op) => op switch
    {
        "<" => ">",
        "<=" => ">=",
        ">" => "<",
        ">=" => "<=",
        _ => op,
    };

    private Condition RandomCondition(IReadOnlyList<Table> sources, int depth)
    {
        var roll = random.Next(20);
        if (depth < 2 && roll < 3)
            return new AnyOf(RandomCondition(sources, depth + 1), RandomCondition(sources, depth + 1));
        if (depth < 2 && roll < 4)
            return new AllOf(RandomCondition(sources, depth + 1), RandomCondition(sources, depth + 1));
        if (depth < 2 && roll < 6)
            return new Negation(RandomCondition(sources, depth + 1));
        if (roll < 7)
            return new Constant(Chance(0.7));

        var s = random.Next(sources.Count);
        var column = random.Next(sources[s].Columns.Length);
        var kind = sources[s].Columns[column];
        Operand left = new ColumnOperand(s, column);
        Operand right;
        var same = Enumerable.Range(0, sources.Count)
            .SelectMany(p => Enumerable.Range(0, sources[p].Columns.Length).Where(c => sources[p].Columns[c] == kind).Select(c => (p, c)))
            .ToList();
        if (Chance(0.3))
        {
            var (p, c) = Pick(same);
            right = new ColumnOperand(p, c);
        }
        else if (kind == Kind.OptI32 && Chance(0.25))
        {
            // NULL meets only = and <> (IS [NOT] NULL spells the same test); an ordering with it is refused.
            right = new LiteralOperand(null, "NULL");
            var test = Pick(NullTests);
            return test.Length > 2 ? new Compare(left, test.Contains("NOT", StringComparison.OrdinalIgnoreCase) ? "<>" : "=", right, kind) { Spelling = test }
                : Chance(0.3) ? new Compare(right, test, left, kind) : new Compare(left, test, right, kind);
        }
        else
        {
            var value = kind == Kind.OptI32 ? (long)random.Next(-3, 4) : Value(kind);
            right = new LiteralOperand(value, Literal(kind, value));
        }
        var op = Chance(0.4) ? "=" : Pick(Operators);
        return Chance(0.3) ? new Compare(right, Flip(op), left, kind) : new Compare(left, op, right, kind);
    }

    private static IEnumerable<int> Sources(Condition condition) => condition switch
    {
        Compare c => new[] { c.Left, c.Right }.OfType<ColumnOperand>().Select(o => o.Source),
        AllOf a => Sources(a.Left).Concat(Sources(a.Right)),
        AnyOf o => Sources(o.Left).Concat(Sources(o.Right)),
        Negation n => Sources(n.Operand),
        _ => [],
    };

    /// <summary>A literal for <paramref name="value"/>, in one of the spellings SQL allows for its kind.</summary>
    private string Literal(Kind kind, object? value)
    {
        switch (kind)
        {
            case Kind.String:
                return "'" + ((string)value!).Replace("'", "''", StringComparison.Ordinal) + "'";
            case Kind.Bool:
                return (bool)value! ? Pick(["TRUE", "true"]) : Pick(["FALSE", "false"]);
            case Kind.F64:
            {
                var d = (double)value!;
                if (d == 0)
                    return double.IsNegative(d) ? Pick(["-0.0", "-0", "-0e3"]) : Pick(["0", "0.0", ".0"]);
                var text = d.ToString("R", CultureInfo.InvariantCulture);
                return d == 2.0 ? Pick(["2", "2.0", "2e0", "20e-1"]) : text;
            }
            default:
            {
                var v = (long)value!;
                var digits = Math.Abs((decimal)v).ToString(CultureInfo.InvariantCulture);
                var sign = v < 0 ? "-" : Pick(["", "", "+"]);
                return random.Next(5) switch
                {
                    0 when v >= 0 => "0x" + v.ToString("x", CultureInfo.InvariantCulture),
                    1 => sign + digits + "e0",
                    2 => sign + digits + "0e-1",
                    3 => sign + digits + ".0",
                    _ => sign + digits,
                };
            }
        }
    }

    // ---- rendering ----

    public static string Render(Query q)
    {
        var sb = new StringBuilder("SELECT ");
        switch (q.Output)
        {
            case RowsOf r:
                sb.Append(q.Sources.Count == 1 && r.Source == 0 && q.Aliases[0] is null ? "*" : Name(q, q.Name(r.Source)) + ".*");
                break;
            case ColumnsOf c:
                sb.AppendJoin(", ", c.Items.Select(i => Column(q, i.Source, i.Column) + (i.Alias is null ? "" : (i.Alias == "x1" ? " " : " AS ") + i.Alias)));
                break;
            case CountAs count:
                sb.Append("COUNT(*) AS ").Append(count.Alias);
                break;
        }
        sb.Append(" FROM ").Append(TableRef(q, 0));
        for (var j = 0; j < q.Sources.Count - 1; j++)
        {
            var on = q.Conditions.Where(c => c.Join == j).Select(c => Render(q, c.Condition)).ToList();
            sb.Append(q.CrossJoins[j] ? " CROSS JOIN " : j % 2 == 0 ? " JOIN " : " INNER JOIN ").Append(TableRef(q, j + 1));
            if (on.Count > 0)
                sb.Append(" ON ").AppendJoin(" AND ", on);
        }
        var where = q.Conditions.Where(c => c.Join < 0).Select(c => Render(q, c.Condition)).ToList();
        if (where.Count > 0)
            sb.Append(" WHERE ").AppendJoin(" AND ", where);
        if (q.Limit is { } limit)
            sb.Append(" LIMIT ").Append(limit);
        return sb.ToString();
    }

    private static string Name(Query q, string name) => q.QuoteNames ? $"\"{name}\"" : name;

    private static string TableRef(Query q, int source) =>
        Name(q, q.Sources[source].Name) + (q.Aliases[source] is { } alias ? (source % 2 == 0 ? " AS " : " ") + Name(q, alias) : "");

    private static string Column(Query q, int source, int column)
    {
        var name = Name(q, $"c{column}");
        // A single source may leave its columns unqualified.
        return q.Sources.Count == 1 && column % 2 == 0 ? name : Name(q, q.Name(source)) + "." + name;
    }

    private static string Render(Query q, Condition condition) => condition switch
    {
        Compare { Spelling: { } spelling } c => $"{Render(q, c.Left)} {spelling}",
        Compare c => $"{Render(q, c.Left)} {c.Op} {Render(q, c.Right)}",
        AllOf a => $"({Render(q, a.Left)} AND {Render(q, a.Right)})",
        AnyOf o => $"({Render(q, o.Left)} OR {Render(q, o.Right)})",
        Negation n => $"NOT ({Render(q, n.Operand)})",
        Constant k => k.Value ? "TRUE" : "FALSE",
        _ => throw new ArgumentException($"Unknown condition {condition}.", nameof(condition)),
    };

    private static string Render(Query q, Operand operand) => operand switch
    {
        ColumnOperand c => Column(q, c.Source, c.Column),
        LiteralOperand l => l.Text,
        _ => throw new ArgumentException($"Unknown operand {operand}.", nameof(operand)),
    };

    // ---- the reference evaluator ----

    /// <summary>A table's rows as stored: bytes and decoded column values.</summary>
    public sealed record StoredRow(byte[] Bytes, ProductValue Value, object?[] Columns);

    public static List<StoredRow> ReadRows(StateReader state, Table table) =>
        state.ReadAll(table.Id).Select(bytes =>
        {
            var value = state.Decode(table.Id, bytes);
            return new StoredRow(bytes, value, table.Columns.Select((k, i) => FromValue(k, value[i])).ToArray());
        }).ToList();

    /// <summary>Every tuple (one stored row per source) for which every condition holds, by nested loops.</summary>
    public static List<StoredRow[]> Tuples(Query q, StateReader state)
    {
        var rows = q.Sources.Select(t => ReadRows(state, t)).ToArray();
        var result = new List<StoredRow[]>();
        var tuple = new StoredRow[q.Sources.Count];
        void Loop(int source)
        {
            if (source == tuple.Length)
            {
                if (q.Conditions.All(c => Holds(c.Condition, tuple)))
                    result.Add((StoredRow[])tuple.Clone());
                return;
            }
            foreach (var row in rows[source])
            {
                tuple[source] = row;
                Loop(source + 1);
            }
        }
        Loop(0);
        return result;
    }

    /// <summary>What the query returns in <paramref name="state"/>, each row as text, before any LIMIT.</summary>
    public static List<string> Expected(Query q, StateReader state)
    {
        var tuples = Tuples(q, state);
        return q.Output switch
        {
            RowsOf r => tuples.Select(t => t[r.Source].Value.ToString()).ToList(),
            ColumnsOf c => tuples.Select(t => AlgebraicValue.Product(c.Items.Select(i => t[i.Source].Value[i.Column]).ToArray()).ToString()).ToList(),
            _ => [$"({tuples.Count})"],
        };
    }

    private static bool Holds(Condition condition, StoredRow[] tuple) => condition switch
    {
        Compare { Kind: Kind.OptI32 } c => TestLifted(c.Op, (long?)Get(c.Left, tuple), (long?)Get(c.Right, tuple)),
        Compare c => Test(c.Op, CompareValues(c.Kind, Get(c.Left, tuple)!, Get(c.Right, tuple)!)),
        AllOf a => Holds(a.Left, tuple) && Holds(a.Right, tuple),
        AnyOf o => Holds(o.Left, tuple) || Holds(o.Right, tuple),
        Negation n => !Holds(n.Operand, tuple),
        Constant k => k.Value,
        _ => throw new ArgumentException($"Unknown condition {condition}.", nameof(condition)),
    };

    private static object? Get(Operand operand, StoredRow[] tuple) => operand switch
    {
        ColumnOperand c => tuple[c.Source].Columns[c.Column],
        LiteralOperand l => l.Value,
        _ => throw new ArgumentException($"Unknown operand {operand}.", nameof(operand)),
    };

    // C#'s lifted operators: null equals null and differs from every value; an ordering with null is false.
    private static bool TestLifted(string op, long? a, long? b) => op switch
    {
        "=" => a == b,
        "!=" or "<>" => a != b,
        "<" => a < b,
        "<=" => a <= b,
        ">" => a > b,
        _ => a >= b,
    };

    private static bool Test(string op, int order) => op switch
    {
        "=" => order == 0,
        "!=" or "<>" => order != 0,
        "<" => order < 0,
        "<=" => order <= 0,
        ">" => order > 0,
        _ => order >= 0,
    };

    private static int CompareValues(Kind kind, object a, object b)
    {
        switch (kind)
        {
            case Kind.String:
                return CompareCodePoints((string)a, (string)b);
            case Kind.F64:
            {
                var (x, y) = ((double)a, (double)b);
                return x < y ? -1 : x > y ? 1 : 0;
            }
            case Kind.Bool:
                return ((bool)a).CompareTo((bool)b);
            default:
                return ((long)a).CompareTo((long)b);
        }
    }

    private static int CompareCodePoints(string a, string b)
    {
        var x = a.EnumerateRunes();
        var y = b.EnumerateRunes();
        while (true)
        {
            bool hasX = x.MoveNext(), hasY = y.MoveNext();
            if (!hasX || !hasY)
                return hasX ? 1 : hasY ? -1 : 0;
            var order = x.Current.Value.CompareTo(y.Current.Value);
            if (order != 0)
                return order;
        }
    }

    /// <summary>The schema as text, for failure messages.</summary>
    public static string Describe(IEnumerable<Table> tables, StateReader state) =>
        string.Join("\n", tables.Select(t =>
        {
            var schema = state.GetTable(t.Id);
            var columns = string.Join(", ", t.Columns.Select((k, i) => $"c{i} {k}"));
            var rows = string.Join(" ", ReadRows(state, t).Select(r => r.Value));
            return $"{t.Name}({columns}) indexes [{string.Join("; ", schema.Indexes)}] rows {rows}";
        }));
}
