using Meridian.Runtime.Modules;
using Meridian.Storage;
using Meridian.Storage.Schema;

namespace Meridian.Runtime.Migrations;

/// <summary>
/// Decides how the stored tables become a module's tables: which exist and match, which must be
/// created, and which changes cannot be made. Today the only automatic change is adding tables;
/// every other difference is refused with the table named (the migrations work widens this).
/// </summary>
internal static class SchemaMigration
{
    /// <summary>Plans the move from the tables in <paramref name="stored"/> (owned by <paramref name="current"/>, when the database has a module) to <paramref name="next"/>.</summary>
    /// <exception cref="ModuleLoadException">A change cannot be made automatically; the message says which and why.</exception>
    public static MigrationPlan Plan(StateReader stored, ModuleSchema? current, ModuleSchema next)
    {
        if (current is not null)
        {
            var missing = current.Tables.Select(t => t.Name).Except(next.Tables.Select(t => t.Name), StringComparer.Ordinal).ToList();
            if (missing.Count > 0)
                throw new ModuleLoadException($"The new module removes table(s) {string.Join(", ", missing)}; removing tables needs --delete-data.");
        }
        var existing = new TableId?[next.Tables.Count];
        var create = new List<ModuleTable>();
        foreach (var table in next.Tables)
        {
            if (stored.TryGetTable(table.Name, out var schema))
            {
                if (Incompatibility(schema, table.Schema) is { } problem)
                    throw new ModuleLoadException($"Table '{table.Name}' does not match the stored table: {problem}. Changing a table's columns or keys needs a migration, which Meridian does not support yet; publish with --delete-data to start over.");
                existing[table.ModuleIndex] = schema.Id;
            }
            else
            {
                create.Add(table);
            }
        }
        return new MigrationPlan(existing, create);
    }

    private static string? Incompatibility(TableSchema stored, TableSchema wanted)
    {
        if (!stored.RowType.Equals(wanted.RowType))
            return $"its columns changed from {stored.RowType} to {wanted.RowType}";
        if (stored.PrimaryKey != wanted.PrimaryKey)
            return "its primary key changed";
        if (stored.Access != wanted.Access)
            return "its access (public/private) changed";
        if (stored.IsEvent != wanted.IsEvent)
            return "its event flag changed";
        var storedIndexes = stored.Indexes.Select(i => i.ToString()).ToList();
        var wantedIndexes = wanted.Indexes.Select(i => i.ToString()).ToList();
        if (!storedIndexes.SequenceEqual(wantedIndexes))
            return "its indexes or constraints changed";
        return null;
    }
}

/// <summary>How stored tables become a module's tables.</summary>
/// <param name="Existing">For each module table (by module index), the stored table it maps to, or null when it must be created.</param>
/// <param name="Create">The tables to create, in module order.</param>
internal sealed record MigrationPlan(IReadOnlyList<TableId?> Existing, IReadOnlyList<ModuleTable> Create)
{
    /// <summary>Applies the plan in <paramref name="tx"/> (the caller commits) and returns every module table's storage id.</summary>
    public TableId[] Apply(Transaction tx, ModuleSchema schema)
    {
        var ids = new TableId[schema.Tables.Count];
        foreach (var table in schema.Tables)
            ids[table.ModuleIndex] = Existing[table.ModuleIndex] ?? tx.CreateTable(table.Schema);
        return ids;
    }
}
