using Meridian.Query.Catalog;
using Meridian.Query.Sql;
using Meridian.Query.Subscriptions;
using Meridian.Storage;
using Meridian.Storage.Schema;

namespace Meridian.Runtime.Modules;

/// <summary>
/// The module a database runs now, with what it takes to serve it: the storage id of each module
/// table and the SQL catalog. Replaced as a whole when a new module is published, so readers on any
/// thread see one consistent version.
/// </summary>
/// <param name="Module">The loaded module.</param>
/// <param name="TableIds">Storage id of each module table, by module index.</param>
/// <param name="Catalog">The tables as SQL sees them.</param>
/// <param name="Visibility">The module's client visibility filters (row-level security), checked against the catalog.</param>
internal sealed record ActiveModule(LoadedModule Module, TableId[] TableIds, SqlCatalog Catalog, VisibilityRules Visibility)
{
    public ModuleSchema Schema => Module.Schema;

    /// <summary>The module with its tables as stored in <paramref name="state"/>.</summary>
    /// <exception cref="ModuleLoadException">A visibility filter is not valid SQL for the module's tables.</exception>
    public static ActiveModule Create(LoadedModule module, TableId[] ids, StateReader state)
    {
        var catalog = new SqlCatalog(module.Schema.Tables.Select(t => new SqlTable(state.GetTable(ids[t.ModuleIndex]), t.Name, t.AccessorName,
            t.Schema.RowType.Elements.Select((e, i) => e.Name ?? $"col_{i}").ToList(), t.ColumnAccessors)));
        VisibilityRules visibility;
        try
        {
            visibility = VisibilityRules.Compile(module.Schema.Raw.RowLevelSecurity?.Select(r => r.Sql) ?? [], catalog);
        }
        catch (SqlException e)
        {
            throw new ModuleLoadException(e.Message, e);
        }
        return new ActiveModule(module, ids, catalog, visibility);
    }
}
