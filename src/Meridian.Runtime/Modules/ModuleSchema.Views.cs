using Meridian.Sats.ModuleDef;
using Meridian.Sats.Types;

namespace Meridian.Runtime.Modules;

/// <summary>One view of a module: a virtual table clients subscribe to by its name.</summary>
/// <param name="Id">Its position in the Views section (the module's dispatch id).</param>
/// <param name="Name">Canonical name (what clients subscribe to).</param>
/// <param name="SourceName">Source name (the <c>Accessor</c>).</param>
/// <param name="IsAnonymous">True when one result serves every caller; false when computed per caller.</param>
/// <param name="IsQuery">True when the view returns a query, which the host maintains as a live query.</param>
/// <param name="RowType">The row type, with canonical field names.</param>
/// <param name="PrimaryKeyColumn">
/// The column that identifies a row, if the view declares one (a query view of a table's rows has the table's, as upstream).
/// </param>
/// <param name="ColumnAccessors">The source names of the columns (SQL accepts them as well as the canonical names).</param>
public sealed record ModuleView(
    int Id, string Name, string SourceName, bool IsAnonymous, bool IsQuery, ProductType RowType, int? PrimaryKeyColumn,
    IReadOnlyList<string?> ColumnAccessors);

public sealed partial class ModuleSchema
{
    /// <summary>The views, by id.</summary>
    public IReadOnlyList<ModuleView> Views { get; private init; } = [];

    /// <summary>The view with this canonical or source name, or null.</summary>
    public ModuleView? FindView(string name) =>
        Views.FirstOrDefault(v => v.Name == name) ?? Views.FirstOrDefault(v => v.SourceName == name);

    private static List<ModuleView> CreateViews(RawModuleDefV10 raw, Typespace rawTypes, Typespace typespace, List<ModuleTable> tables)
    {
        var views = new List<ModuleView>();
        var keys = (raw.ViewPrimaryKeys ?? []).ToDictionary(k => k.ViewSourceName, k => k.Columns, StringComparer.Ordinal);
        var rawViews = raw.Views ?? [];
        for (var i = 0; i < rawViews.Count; i++)
        {
            var v = rawViews[i];
            var name = raw.CanonicalFunctionName(v.SourceName);
            if (tables.Any(t => t.Name == name) || views.Any(w => w.Name == name))
                throw new InvalidOperationException($"View '{name}' has the name of another table or view.");
            if (v.Params.Elements.Count > 0)
                throw new InvalidOperationException($"View '{name}' takes parameters; views take only their context.");
            var (element, isQuery) = v.ReturnType switch
            {
                ProductType { Elements: [{ Name: "__query__", Type: var t }] } => (t, true),
                ArrayType a => (a.ElementType, false),
                SumType s when s.SpecialKind == SpecialTypeKind.Option => (s.Variants[0].Type, false),
                _ => throw new InvalidOperationException($"View '{name}' returns {v.ReturnType}; a view returns an option, an array or a query of rows."),
            };
            if (typespace.Resolve(element) is not ProductType rowType || rawTypes.Resolve(element) is not ProductType sourceRow)
                throw new InvalidOperationException($"View '{name}': its row type is not a product type.");
            int? pk = null;
            if (keys.TryGetValue(v.SourceName, out var columns))
            {
                if (columns.Count != 1)
                    throw new InvalidOperationException($"View '{name}' has a primary key of {columns.Count} columns; exactly one is supported.");
                var column = sourceRow.Elements.Select(e => e.Name).ToList().IndexOf(columns[0]);
                if (column < 0)
                    throw new InvalidOperationException($"View '{name}' names primary key '{columns[0]}', which its row type does not have.");
                pk = column;
            }
            else if (isQuery && element is RefType rowRef)
            {
                // As upstream: a query view without a declared key takes the primary key of the table whose row type it
                // returns, unless tables of that row type disagree on it.
                var rawTables = raw.Tables ?? [];
                var tableKeys = Enumerable.Range(0, rawTables.Count).Where(t => rawTables[t].ProductTypeRef == rowRef.Index)
                    .Select(t => tables.FirstOrDefault(m => m.ModuleIndex == t)?.Schema.PrimaryKey)
                    .OfType<int>().Distinct().ToList();
                pk = tableKeys.Count == 1 ? tableKeys[0] : null;
            }
            views.Add(new ModuleView(i, name, v.SourceName, v.IsAnonymous, isQuery, rowType, pk, sourceRow.Elements.Select(e => e.Name).ToList()));
        }
        return views;
    }
}
