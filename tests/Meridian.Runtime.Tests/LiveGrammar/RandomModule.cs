using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Meridian.Module.Generator;
using Meridian.Sats;
using Meridian.Sats.Bsatn;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Meridian.Runtime.Tests.LiveGrammar;

/// <summary>The column kinds random modules use.</summary>
internal enum ColumnKind
{
    I32,
    U8,
    I64,
    String,
    Bool,
    Identity,
}

/// <summary>A column of a random table.</summary>
internal sealed record RandomColumn(string Name, ColumnKind Kind);

/// <summary>A random table: an optional <c>id</c> primary key first, then the other columns; which columns are indexed.</summary>
internal sealed record RandomTable(string Name, IReadOnlyList<RandomColumn> Columns, bool HasPrimaryKey, IReadOnlyList<int> BTreeColumns,
    IReadOnlyList<int> UniqueColumns, IReadOnlyList<int[]> MultiColumnIndexes)
{
    public string TypeName => "Row_" + Name;
}

/// <summary>
/// A live aggregate as a view, one row per group: <c>COUNT(*)</c>, <c>SUM</c>, <c>MIN</c> and <c>MAX</c> of
/// <see cref="Value"/> grouped by <see cref="Group"/>; per caller (rows whose <see cref="SenderColumn"/> is
/// the caller) when that is set.
/// </summary>
internal sealed record AggregateView(string Name, RandomTable Table, int Group, int Value, int? SenderColumn);

/// <summary>A random module: tables, client visibility filters, aggregate views, and one reducer that applies a batch of writes.</summary>
internal sealed record RandomSchema(IReadOnlyList<RandomTable> Tables, IReadOnlyList<string> VisibilityRules, IReadOnlyList<AggregateView> Aggregates)
{
    /// <summary>The identities the values of identity columns come from (the database owner and the clients).</summary>
    public required IReadOnlyList<Identity> Identities { get; init; }
}

/// <summary>
/// Generates random modules for differential tests of the live grammar: C# source in the shape of an
/// upstream module (tables with primary keys, btree and unique indexes, visibility filters, views),
/// compiled in-process with the module generator into an assembly the runtime loads like any other.
/// </summary>
internal sealed class RandomModule(Random random)
{
    private bool Chance(double p) => random.NextDouble() < p;

    private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

    /// <summary>A schema of 3–5 tables; every value of an identity column is one of <paramref name="identities"/>.</summary>
    public RandomSchema CreateSchema(IReadOnlyList<Identity> identities)
    {
        var tables = new List<RandomTable>();
        var count = random.Next(3, 6);
        for (var t = 0; t < count; t++)
        {
            var name = $"t{t}";
            var hasKey = Chance(0.7);
            var columns = new List<RandomColumn>();
            if (hasKey)
                columns.Add(new RandomColumn("id", ColumnKind.I64));
            var others = random.Next(2, 5);
            for (var c = 0; c < others; c++)
            {
                // Mostly small integers and strings, so conditions and joins find partners; identities for :sender.
                var kind = random.Next(10) switch
                {
                    < 3 => ColumnKind.I32,
                    3 => ColumnKind.U8,
                    4 => ColumnKind.I64,
                    5 or 6 => ColumnKind.String,
                    7 => ColumnKind.Bool,
                    _ => ColumnKind.Identity,
                };
                columns.Add(new RandomColumn($"c{columns.Count}", kind));
            }
            // Every other table has an identity column, so visibility rules have something to test :sender against.
            if (t % 2 == 0 && columns.All(c => c.Kind != ColumnKind.Identity))
                columns.Add(new RandomColumn($"c{columns.Count}", ColumnKind.Identity));
            var firstValue = hasKey ? 1 : 0;
            var btree = Enumerable.Range(firstValue, columns.Count - firstValue).Where(_ => Chance(0.35)).ToList();
            var unique = Enumerable.Range(firstValue, columns.Count - firstValue)
                .Where(c => !btree.Contains(c) && columns[c].Kind is not ColumnKind.Bool && Chance(0.1)).ToList();
            var multi = new List<int[]>();
            if (columns.Count - firstValue >= 2 && Chance(0.3))
                multi.Add(Enumerable.Range(firstValue, columns.Count - firstValue).OrderBy(_ => random.Next()).Take(2).ToArray());
            tables.Add(new RandomTable(name, columns, hasKey, btree, unique, multi));
        }

        // The first aggregate's table gets an integer column to group by when it has none.
        var first = random.Next(tables.Count);
        if (!IntegerColumns(tables[first]).Any(c => !(tables[first].HasPrimaryKey && c == 0)))
            tables[first] = tables[first] with { Columns = [.. tables[first].Columns, new RandomColumn($"c{tables[first].Columns.Count}", ColumnKind.I32)] };
        var aggregates = new List<AggregateView>();
        for (var a = 0; a < 2; a++)
        {
            var table = a == 0 ? tables[first] : Pick(tables);
            var integers = IntegerColumns(table).ToList();
            if (integers.Count == 0)
                continue;
            // Not the primary key: the view reads its rows through a btree index on the group column.
            var groups = integers.Where(c => !(table.HasPrimaryKey && c == 0)).ToList();
            if (groups.Count == 0)
                continue;
            var group = Pick(groups);
            var value = Pick(integers);
            int? sender = null;
            var identityColumns = Enumerable.Range(0, table.Columns.Count).Where(c => table.Columns[c].Kind == ColumnKind.Identity).ToList();
            if (a == 1 && identityColumns.Count > 0)
                sender = Pick(identityColumns);
            // The view reads its rows through a btree index (views cannot scan a whole table).
            var indexed = sender ?? group;
            var withIndex = table.BTreeColumns.Contains(indexed) ? table : table with { BTreeColumns = [.. table.BTreeColumns, indexed] };
            withIndex = withIndex with { UniqueColumns = withIndex.UniqueColumns.Where(c => c != indexed).ToList() };
            tables[tables.IndexOf(table)] = withIndex;
            foreach (var earlier in aggregates.Where(x => x.Table == table).ToList())
                aggregates[aggregates.IndexOf(earlier)] = earlier with { Table = withIndex };
            aggregates.Add(new AggregateView($"agg{a}", withIndex, group, value, sender));
        }

        var rules = new List<string>();
        foreach (var table in tables)
        {
            if (!Chance(0.6))
                continue;
            var identity = Enumerable.Range(0, table.Columns.Count).FirstOrDefault(c => table.Columns[c].Kind == ColumnKind.Identity, -1);
            if (identity >= 0 && Chance(0.6))
                rules.Add($"SELECT * FROM {table.Name} WHERE {table.Columns[identity].Name} = :sender");
            // A rule through another table, as "boards visible to their collaborators".
            var partners = tables.Where(p => p != table && p.Columns.Any(c => c.Kind == ColumnKind.Identity)).ToList();
            if (partners.Count > 0 && Chance(0.7))
            {
                var partner = Pick(partners);
                var pairs = (from mine in table.Columns
                             from theirs in partner.Columns
                             where mine.Kind == theirs.Kind && mine.Kind is not ColumnKind.Bool and not ColumnKind.Identity
                             select (mine, theirs)).ToList();
                if (pairs.Count > 0)
                {
                    var (mine, theirs) = Pick(pairs);
                    var who = partner.Columns.First(c => c.Kind == ColumnKind.Identity);
                    rules.Add($"SELECT {table.Name}.* FROM {table.Name} JOIN {partner.Name} ON {table.Name}.{mine.Name} = {partner.Name}.{theirs.Name} "
                        + $"WHERE {partner.Name}.{who.Name} = :sender");
                }
            }
        }
        return new RandomSchema(tables, rules, aggregates) { Identities = identities };
    }

    public static IEnumerable<int> IntegerColumns(RandomTable table) =>
        Enumerable.Range(0, table.Columns.Count).Where(c => table.Columns[c].Kind is ColumnKind.I32 or ColumnKind.U8 or ColumnKind.I64);

    // ---- values ----

    private static readonly string[] Strings = ["", "a", "ab", "b", "a'b", "é", "z"];

    /// <summary>A value for a column, from a small domain so that conditions and joins match.</summary>
    public object Value(RandomSchema schema, ColumnKind kind) => kind switch
    {
        ColumnKind.I32 => Chance(0.03) ? (long)int.MinValue : random.Next(-3, 4),
        ColumnKind.U8 => Chance(0.03) ? 255L : random.Next(0, 5),
        ColumnKind.I64 => (long)random.Next(-3, 4),
        ColumnKind.String => Pick(Strings),
        ColumnKind.Bool => Chance(0.5),
        _ => Pick(schema.Identities),
    };

    /// <summary>A new row; the primary key (when the table has one) from a small range, so inserts sometimes collide.</summary>
    public object[] Row(RandomSchema schema, RandomTable table) =>
        table.Columns.Select((c, i) => table.HasPrimaryKey && i == 0 ? (object)(long)random.Next(0, 24) : Value(schema, c.Kind)).ToArray();

    public static byte[] Encode(RandomTable table, object[] row)
    {
        var w = new BsatnWriter(64);
        for (var i = 0; i < row.Length; i++)
        {
            switch (table.Columns[i].Kind)
            {
                case ColumnKind.I32: w.WriteI32((int)(long)row[i]); break;
                case ColumnKind.U8: w.WriteU8((byte)(long)row[i]); break;
                case ColumnKind.I64: w.WriteI64((long)row[i]); break;
                case ColumnKind.String: w.WriteString((string)row[i]); break;
                case ColumnKind.Bool: w.WriteBool((bool)row[i]); break;
                default: ((Identity)row[i]).WriteBsatn(w); break;
            }
        }
        return w.ToArray();
    }

    public static object[] Decode(RandomTable table, ReadOnlySpan<byte> bytes)
    {
        var r = new BsatnReader(bytes);
        var row = new object[table.Columns.Count];
        for (var i = 0; i < row.Length; i++)
        {
            row[i] = table.Columns[i].Kind switch
            {
                ColumnKind.I32 => (long)r.ReadI32(),
                ColumnKind.U8 => (long)r.ReadU8(),
                ColumnKind.I64 => r.ReadI64(),
                ColumnKind.String => r.ReadString(),
                ColumnKind.Bool => r.ReadBool(),
                _ => Identity.ReadBsatn(ref r),
            };
        }
        return row;
    }

    /// <summary>A literal of the SQL dialect for a value.</summary>
    public static string Literal(ColumnKind kind, object value) => kind switch
    {
        ColumnKind.String => "'" + ((string)value).Replace("'", "''", StringComparison.Ordinal) + "'",
        ColumnKind.Bool => (bool)value ? "TRUE" : "FALSE",
        ColumnKind.Identity => "0x" + ((Identity)value).ToHexString(),
        _ => ((long)value).ToString(CultureInfo.InvariantCulture),
    };

    // ---- module source ----

    private static string CSharpType(ColumnKind kind) => kind switch
    {
        ColumnKind.I32 => "int",
        ColumnKind.U8 => "byte",
        ColumnKind.I64 => "long",
        ColumnKind.String => "string",
        ColumnKind.Bool => "bool",
        _ => "Identity",
    };

    private static string Range(ColumnKind kind) => $"({CSharpType(kind)}.MinValue, {CSharpType(kind)}.MaxValue)";

    /// <summary>The module's C# source.</summary>
    public static string Source(RandomSchema schema)
    {
        var sb = new StringBuilder();
        sb.Append("using SpacetimeDB;\n\n");
        foreach (var table in schema.Tables)
        {
            sb.Append($"[Table(Accessor = \"{table.Name}\", Public = true)]\n");
            foreach (var (columns, i) in table.MultiColumnIndexes.Select((c, i) => (c, i)))
            {
                var names = string.Join(", ", columns.Select(c => $"nameof({table.Columns[c].Name})"));
                sb.Append($"[SpacetimeDB.Index.BTree(Accessor = \"by_{table.Name}_{i}\", Columns = [{names}])]\n");
            }
            sb.Append($"public partial struct {table.TypeName}\n{{\n");
            for (var c = 0; c < table.Columns.Count; c++)
            {
                var column = table.Columns[c];
                var attributes = new List<string>();
                if (table.HasPrimaryKey && c == 0)
                    attributes.Add("PrimaryKey");
                if (table.UniqueColumns.Contains(c))
                    attributes.Add("Unique");
                if (table.BTreeColumns.Contains(c))
                    attributes.Add("SpacetimeDB.Index.BTree");
                var prefix = attributes.Count > 0 ? $"[{string.Join(", ", attributes)}] " : "";
                sb.Append($"    {prefix}public {CSharpType(column.Kind)} {column.Name};\n");
            }
            sb.Append("}\n\n");
        }
        foreach (var view in schema.Aggregates)
        {
            var g = view.Table.Columns[view.Group];
            sb.Append($"[Type]\npublic partial struct Stats_{view.Name}\n{{\n");
            sb.Append($"    public {CSharpType(g.Kind)} g;\n    public ulong n;\n    public long total;\n    public long lo;\n    public long hi;\n}}\n\n");
        }

        sb.Append("public static partial class Module\n{\n");
        sb.Append("#pragma warning disable STDB_UNSTABLE\n");
        for (var i = 0; i < schema.VisibilityRules.Count; i++)
        {
            var sql = schema.VisibilityRules[i].Replace("\"", "\"\"", StringComparison.Ordinal);
            sb.Append($"    [ClientVisibilityFilter]\n    public static readonly Filter RULE_{i} = new Filter.Sql(@\"{sql}\");\n\n");
        }
        sb.Append("#pragma warning restore STDB_UNSTABLE\n");

        // One reducer applies a batch: deletes of exact rows, then inserts (one that a unique index refuses is skipped).
        var parameters = string.Join(", ", schema.Tables.Select(t => $"List<{t.TypeName}> del_{t.Name}, List<{t.TypeName}> ins_{t.Name}"));
        sb.Append($"    [Reducer]\n    public static void apply(ReducerContext ctx, {parameters})\n    {{\n");
        foreach (var t in schema.Tables)
            sb.Append($"        foreach (var row in del_{t.Name})\n            ctx.Db.{t.Name}.Delete(row);\n");
        foreach (var t in schema.Tables)
        {
            sb.Append($"        foreach (var row in ins_{t.Name})\n        {{\n");
            sb.Append($"            try {{ ctx.Db.{t.Name}.Insert(row); }} catch (UniqueConstraintViolationException) {{ }}\n        }}\n");
        }
        sb.Append("    }\n\n");

        foreach (var view in schema.Aggregates)
        {
            var t = view.Table;
            var g = t.Columns[view.Group];
            var v = t.Columns[view.Value];
            var context = view.SenderColumn is null ? "AnonymousViewContext" : "ViewContext";
            var rows = view.SenderColumn is { } s
                ? $"ctx.Db.{t.Name}.{t.Columns[s].Name}.Filter(ctx.Sender)"
                : $"ctx.Db.{t.Name}.{g.Name}.Filter({Range(g.Kind)})";
            sb.Append($"    [View(Accessor = \"{view.Name}\", Public = true, PrimaryKey = \"g\")]\n");
            sb.Append($"    public static List<Stats_{view.Name}> {view.Name}({context} ctx)\n    {{\n");
            sb.Append($"        var stats = new SortedDictionary<{CSharpType(g.Kind)}, Stats_{view.Name}>();\n");
            sb.Append($"        foreach (var r in {rows})\n        {{\n");
            sb.Append($"            var s = stats.TryGetValue(r.{g.Name}, out var found)\n");
            sb.Append($"                ? found : new Stats_{view.Name} {{ g = r.{g.Name}, lo = long.MaxValue, hi = long.MinValue }};\n");
            sb.Append($"            s.n++;\n            s.total += r.{v.Name};\n");
            sb.Append($"            s.lo = Math.Min(s.lo, r.{v.Name});\n            s.hi = Math.Max(s.hi, r.{v.Name});\n");
            sb.Append($"            stats[r.{g.Name}] = s;\n        }}\n        return stats.Values.ToList();\n    }}\n\n");
        }
        sb.Append("}\n");
        return sb.ToString();
    }

    /// <summary>The arguments of <c>apply</c>: for each table, the rows to delete and the rows to insert.</summary>
    public static byte[] ApplyArgs(RandomSchema schema, IReadOnlyDictionary<RandomTable, (List<byte[]> Deletes, List<byte[]> Inserts)> writes)
    {
        var w = new BsatnWriter(256);
        foreach (var table in schema.Tables)
        {
            var (deletes, inserts) = writes.TryGetValue(table, out var x) ? x : ([], []);
            foreach (var list in new[] { deletes, inserts })
            {
                w.WriteArrayLength(list.Count);
                foreach (var row in list)
                    w.WriteRaw(row);
            }
        }
        return w.ToArray();
    }

    // ---- compiling ----

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    [
        .. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll")
            .Select(p => MetadataReference.CreateFromFile(p)),
        MetadataReference.CreateFromFile(typeof(SpacetimeDB.Identity).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(BsatnWriter).Assembly.Location),
    ]);

    /// <summary>Compiles <paramref name="source"/> with the module generator into an assembly image.</summary>
    /// <exception cref="InvalidOperationException">The source does not compile; the message lists the errors and the source.</exception>
    public static byte[] Compile(string assemblyName, string source)
    {
        const string usings = "global using System;\nglobal using System.Collections.Generic;\nglobal using System.Linq;\n";
        var compilation = CSharpCompilation.Create(
            assemblyName,
            [CSharpSyntaxTree.ParseText(usings, ParseOptions), CSharpSyntaxTree.ParseText(source, ParseOptions, "Module.cs")],
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        CSharpGeneratorDriver.Create([new ModuleGenerator().AsSourceGenerator()], parseOptions: ParseOptions)
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        using var image = new MemoryStream();
        var emitted = output.Emit(image);
        var errors = generatorDiagnostics.Concat(emitted.Diagnostics).Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (!emitted.Success || errors.Count > 0)
            throw new InvalidOperationException($"The random module does not compile:\n{string.Join("\n", errors)}\n{source}");
        return image.ToArray();
    }
}
