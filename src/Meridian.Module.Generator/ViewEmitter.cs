using System.Globalization;
using System.Text;

namespace Meridian.Module.Generator;

/// <summary>
/// Writes the view side of the module file (module-api.md §6.1, §7.3–7.4): <c>ViewContext</c>,
/// <c>AnonymousViewContext</c>, the read-only <c>Db</c> and its handles, the query builder types,
/// and the views' registration and invokers.
/// </summary>
internal static class ViewEmitter
{
    private const string AlgebraicType = "global::Meridian.Sats.Types.AlgebraicType";
    private const string Internal = "global::SpacetimeDB.Internal.";

    /// <summary>Contexts, read-only handles and the query builder; emitted for every module.</summary>
    public static void Types(StringBuilder sb, List<(TypeModel Row, TableDeclModel Decl)> tables)
    {
        sb.Append("namespace SpacetimeDB\n{\n");
        sb.Append("""
                /// <summary>What a view that depends on its caller receives (generated).</summary>
                public sealed class ViewContext
                {
                    internal ViewContext(global::SpacetimeDB.Identity sender) => Sender = sender;

                    /// <summary>The caller the view is computed for.</summary>
                    public global::SpacetimeDB.Identity Sender { get; }

                    /// <summary>The tables, read-only.</summary>
                    public global::SpacetimeDB.Internal.LocalReadOnly Db { get; } = new();

                    /// <summary>The query builder.</summary>
                    public global::SpacetimeDB.QueryBuilder From { get; } = new();
                }

                /// <summary>What a view shared by every caller receives (generated).</summary>
                public sealed class AnonymousViewContext
                {
                    internal AnonymousViewContext()
                    {
                    }

                    /// <summary>The tables, read-only.</summary>
                    public global::SpacetimeDB.Internal.LocalReadOnly Db { get; } = new();

                    /// <summary>The query builder.</summary>
                    public global::SpacetimeDB.QueryBuilder From { get; } = new();
                }


            """);
        sb.Append("    /// <summary>Starts queries over the module's tables (generated).</summary>\n");
        sb.Append("    public sealed class QueryBuilder\n    {\n");
        foreach (var (row, decl) in tables)
        {
            var a = Id(decl.Accessor);
            sb.Append($"        /// <summary>Every row of <c>{decl.Accessor}</c>.</summary>\n");
            sb.Append($"        {Access(row)} global::SpacetimeDB.Table<{row.FullName}, global::SpacetimeDB.{decl.Accessor}Cols, "
                + $"global::SpacetimeDB.{decl.Accessor}IxCols> {a}() =>\n");
            sb.Append($"            new({Lit(decl.Accessor)}, new global::SpacetimeDB.{decl.Accessor}Cols({Lit(decl.Accessor)}), "
                + $"new global::SpacetimeDB.{decl.Accessor}IxCols({Lit(decl.Accessor)}));\n");
        }
        sb.Append("    }\n\n");
        foreach (var (row, decl) in tables)
            Columns(sb, row, decl);
        sb.Append("}\n\n");

        sb.Append("namespace SpacetimeDB.Internal\n{\n");
        sb.Append("    /// <summary>The module's tables as views read them (generated).</summary>\n");
        sb.Append("    public sealed class LocalReadOnly\n    {\n");
        foreach (var (row, decl) in tables)
        {
            sb.Append($"        /// <summary>The <c>{decl.Accessor}</c> table, read-only.</summary>\n");
            sb.Append($"        {Access(row)} global::SpacetimeDB.Internal.ViewHandles.{decl.Accessor}ReadOnly {Id(decl.Accessor)} => new();\n");
        }
        sb.Append("    }\n}\n\n");

        sb.Append("namespace SpacetimeDB.Internal.ViewHandles\n{\n");
        for (var i = 0; i < tables.Count; i++)
            ReadOnlyHandle(sb, tables[i].Row, tables[i].Decl, i);
        sb.Append("}\n\n");
    }

    private static void Columns(StringBuilder sb, TypeModel row, TableDeclModel decl)
    {
        var r = row.FullName;
        sb.Append($"    /// <summary>The columns of <c>{decl.Accessor}</c> for the query builder (generated).</summary>\n");
        sb.Append($"    {Access(row)} sealed class {decl.Accessor}Cols\n    {{\n");
        sb.Append($"        internal {decl.Accessor}Cols(string table)\n        {{\n");
        var columns = decl.Columns.Where(c => !c.Type.Unsupported).ToList();
        foreach (var c in columns)
            sb.Append($"            {Id(c.Name)} = new(table, {Lit(c.Name)});\n");
        sb.Append("        }\n");
        foreach (var c in columns)
        {
            sb.Append($"\n        /// <summary>The column <c>{c.Name}</c>.</summary>\n");
            sb.Append($"        public global::SpacetimeDB.Col<{r}, {Underlying(c.Type.CSharp)}> {Id(c.Name)} {{ get; }}\n");
        }
        sb.Append("    }\n\n");
        var indexed = decl.Columns
            .Where(c => c.PrimaryKey || decl.BTrees.Any(b => b.Columns.Contains(c.Index)))
            .ToList();
        sb.Append($"    /// <summary>The indexed columns of <c>{decl.Accessor}</c> for the query builder (generated).</summary>\n");
        sb.Append($"    {Access(row)} sealed class {decl.Accessor}IxCols\n    {{\n");
        sb.Append($"        internal {decl.Accessor}IxCols(string table)\n        {{\n");
        foreach (var c in indexed)
            sb.Append($"            {Id(c.Name)} = new(table, {Lit(c.Name)});\n");
        sb.Append("        }\n");
        foreach (var c in indexed)
        {
            sb.Append($"\n        /// <summary>The indexed column <c>{c.Name}</c>.</summary>\n");
            sb.Append($"        public global::SpacetimeDB.IxCol<{r}, {Underlying(c.Type.CSharp)}> {Id(c.Name)} {{ get; }}\n");
        }
        sb.Append("    }\n\n");
    }

    private static void ReadOnlyHandle(StringBuilder sb, TypeModel row, TableDeclModel decl, int ordinal)
    {
        var r = row.FullName;
        var ops = $"global::SpacetimeDB.Internal.TableOps<{r}, {r}.BSATN>";
        sb.Append($"    /// <summary>The <c>{decl.Accessor}</c> table as views read it (generated).</summary>\n");
        sb.Append($"    {Access(row)} sealed class {decl.Accessor}ReadOnly\n    {{\n");
        sb.Append($"        private const int Table = {ordinal};\n\n");
        sb.Append("        /// <summary>Rows in the table.</summary>\n");
        sb.Append($"        public ulong Count => {ops}.Count(Table);\n");
        var plan = IndexPlan.Of(decl);
        foreach (var c in decl.Columns.Where(c => c.Unique))
        {
            var cls = Id(c.Name + "Index");
            sb.Append($"\n        /// <summary>Lookups by the unique column <c>{c.Name}</c>.</summary>\n");
            sb.Append($"        public sealed class {cls}\n        {{\n");
            sb.Append($"            private const int Index = {plan.Ordinal([c.Index])};\n\n");
            sb.Append($"            internal {cls}()\n            {{\n            }}\n\n");
            sb.Append("            /// <summary>The row with this key, or null.</summary>\n");
            sb.Append($"            public {r}? Find({c.Type.CSharp} key) =>"
                + $" {ops}.TryFind<{c.Type.CSharp}, {c.Type.Serializer}>(Table, Index, key, out var row) ? row : null;\n");
            if (plan.HasMergedBTree(c.Index))
                FilterMethods(sb, r, ops, [c]);
            sb.Append("        }\n\n");
            sb.Append($"        /// <summary>Lookups by <c>{c.Name}</c>.</summary>\n");
            sb.Append($"        public {cls} {Id(c.Name)} => new();\n");
        }
        foreach (var b in decl.BTrees.Where(b => !b.Merged))
        {
            var cls = Id(b.Accessor + "Index");
            var cols = b.Columns.Select(i => decl.Columns[i]).ToList();
            sb.Append($"\n        /// <summary>The btree index <c>{b.Accessor}</c>.</summary>\n");
            sb.Append($"        public sealed class {cls}\n        {{\n");
            sb.Append($"            private const int Index = {plan.Ordinal(b.Columns)};\n\n");
            sb.Append($"            internal {cls}()\n            {{\n            }}\n");
            FilterMethods(sb, r, ops, cols);
            sb.Append("        }\n\n");
            sb.Append($"        /// <summary>The btree index <c>{b.Accessor}</c>.</summary>\n");
            sb.Append($"        public {cls} {Id(b.Accessor)} => new();\n");
        }
        sb.Append("    }\n\n");
    }

    private static void FilterMethods(StringBuilder sb, string r, string ops, List<ColumnModel> cols)
    {
        for (var k = 1; k <= cols.Count; k++)
        {
            foreach (var range in new[] { false, true })
            {
                var (parameter, key) = KeyArgument(cols, k, range);
                sb.Append($"\n            /// <summary>Rows whose first {k} column(s) are {(range ? "in the range" : "equal to the key")}.</summary>\n");
                sb.Append($"            public global::System.Collections.Generic.IEnumerable<{r}> Filter({parameter}) =>"
                    + $" {ops}.Filter(Table, Index, {key});\n");
            }
        }
    }

    private static (string Parameter, string Key) KeyArgument(List<ColumnModel> cols, int k, bool range)
    {
        var key = new StringBuilder("new global::SpacetimeDB.Internal.IndexKey()");
        if (k == 1)
        {
            var c = cols[0];
            var serializer = $"<{c.Type.CSharp}, {c.Type.Serializer}>";
            key.Append(range ? $".Range{serializer}({Id(c.Name)})" : $".Eq{serializer}({Id(c.Name)})");
            return (range ? $"global::SpacetimeDB.Bound<{c.Type.CSharp}> {Id(c.Name)}" : $"{c.Type.CSharp} {Id(c.Name)}", key.ToString());
        }
        var elements = new List<string>();
        for (var j = 0; j < k; j++)
        {
            var c = cols[j];
            var last = j == k - 1 && range;
            var serializer = $"<{c.Type.CSharp}, {c.Type.Serializer}>";
            elements.Add(last ? $"global::SpacetimeDB.Bound<{c.Type.CSharp}> {Id(c.Name)}" : $"{c.Type.CSharp} {Id(c.Name)}");
            key.Append(last ? $".Range{serializer}(f.{Id(c.Name)})" : $".Eq{serializer}(f.{Id(c.Name)})");
        }
        return ("(" + string.Join(", ", elements) + ") f", key.ToString());
    }

    /// <summary>Registration calls, inside <c>Describe</c>: views with a caller first, then anonymous ones, each by name.</summary>
    public static void Register(StringBuilder sb, IEnumerable<ViewModel> views)
    {
        foreach (var v in Ordered(views))
        {
            var element = $"default({v.RowSerializer}).GetAlgebraicType(registrar)";
            var type = v.ReturnKind switch
            {
                ViewReturnKind.Query => $"{AlgebraicType}.Product((\"__query__\", {element}))",
                ViewReturnKind.List => $"{AlgebraicType}.Array({element})",
                _ => $"{AlgebraicType}.Option({element})",
            };
            var pk = v.PrimaryKey is null ? "null" : Lit(v.PrimaryKey);
            if (v.ExplicitName is not null)
                sb.Append($"            builder.RegisterExplicitFunctionName({Lit(v.Accessor)}, {Lit(v.ExplicitName)});\n");
            sb.Append($"            builder.RegisterView({Lit(v.Accessor)}, {(v.IsAnonymous ? "true" : "false")}, {(v.IsPublic ? "true" : "false")}, "
                + $"registrar => {type}, {pk}, View_{v.Accessor});\n");
        }
    }

    /// <summary>The invokers, inside the registration class.</summary>
    public static void Invokers(StringBuilder sb, IEnumerable<ViewModel> views)
    {
        foreach (var v in Ordered(views))
        {
            var ctx = v.IsAnonymous ? "new global::SpacetimeDB.AnonymousViewContext()" : "new global::SpacetimeDB.ViewContext(sender!.Value)";
            var call = $"{v.ContainingType}.{Id(v.MethodName)}({ctx})";
            var body = v.ReturnKind switch
            {
                ViewReturnKind.Query => $"{Internal}ViewResult.Query({call}.ToSql())",
                ViewReturnKind.List => $"{Internal}ViewResult.FromRows<{v.RowType}, {v.RowSerializer}>({call})",
                ViewReturnKind.ValueOption => $"{Internal}ViewResult.FromValue<{v.RowType}, {v.RowSerializer}>({call})",
                _ => $"{Internal}ViewResult.FromReference<{v.RowType}, {v.RowSerializer}>({call})",
            };
            sb.Append($"\n        private static {Internal}ViewResult View_{v.Accessor}(global::SpacetimeDB.Identity? sender) =>\n");
            sb.Append($"            {body};\n");
        }
    }

    private static IEnumerable<ViewModel> Ordered(IEnumerable<ViewModel> views) =>
        views.OrderBy(v => v.IsAnonymous).ThenBy(v => v.Accessor, StringComparer.Ordinal);

    private static string Underlying(string csharp) => csharp.EndsWith("?", StringComparison.Ordinal) ? csharp.Substring(0, csharp.Length - 1) : csharp;

    private static string Access(TypeModel row) => row.IsPublic ? "public" : "internal";

    private static string Lit(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    private static string Id(string name) => SyntaxFacts(name) ? "@" + name : name;

    private static bool SyntaxFacts(string name) =>
        Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetKeywordKind(name) != Microsoft.CodeAnalysis.CSharp.SyntaxKind.None;

    internal static string Number(int i) => i.ToString(CultureInfo.InvariantCulture);
}
