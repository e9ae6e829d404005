using System.Text;

namespace Meridian.Runtime.Migrations;

/// <summary>What a migration step is (docs/modules.md, "Migrations", has the table of rules).</summary>
public enum MigrationStepKind
{
    /// <summary>A new table is created, empty.</summary>
    AddTable,

    /// <summary>An empty table is removed (client-breaking).</summary>
    RemoveEmptyTable,

    /// <summary>Columns are added at the end of a table; existing rows get their <c>[Default]</c> values.</summary>
    AddColumns,

    /// <summary>A column's type is widened (a sum gains variants at the end); stored values stay valid.</summary>
    WidenColumnType,

    /// <summary>An index is built.</summary>
    AddIndex,

    /// <summary>An index is dropped.</summary>
    RemoveIndex,

    /// <summary>A unique constraint is added after checking the data.</summary>
    AddUniqueConstraint,

    /// <summary>A unique constraint is dropped.</summary>
    RemoveUniqueConstraint,

    /// <summary>An auto-increment sequence is added; it continues after the largest value present.</summary>
    AddSequence,

    /// <summary>An auto-increment sequence is dropped.</summary>
    RemoveSequence,

    /// <summary>The primary key changes.</summary>
    ChangePrimaryKey,

    /// <summary>A table changes between public and private.</summary>
    ChangeAccess,

    /// <summary>Index or constraint names or their order change.</summary>
    ChangeNames,

    /// <summary>A table becomes scheduled, stops being scheduled, or calls another reducer.</summary>
    ChangeSchedule,

    /// <summary>A reducer is added.</summary>
    AddReducer,

    /// <summary>A reducer is removed.</summary>
    RemoveReducer,

    /// <summary>A reducer's parameters change.</summary>
    ChangeReducer,

    /// <summary>The set of client visibility filters changes (client-breaking).</summary>
    ChangeVisibilityFilters,

    /// <summary>The module's manual migration rewrites data in the same transaction.</summary>
    ManualMigration,

    /// <summary>A table with rows is removed: refused.</summary>
    RemoveTable,

    /// <summary>Columns are removed: refused.</summary>
    RemoveColumns,

    /// <summary>Columns are reordered (or one is added in the middle): refused.</summary>
    ReorderColumns,

    /// <summary>A column is added without a default: refused.</summary>
    AddColumnWithoutDefault,

    /// <summary>A column's type changes incompatibly: refused.</summary>
    ChangeColumnType,

    /// <summary>A table changes between event and ordinary: refused.</summary>
    ChangeEventFlag,

    /// <summary>The data does not allow an otherwise automatic step (a duplicate for a new unique constraint): refused.</summary>
    DataConflict,

    /// <summary>A view is added.</summary>
    AddView,

    /// <summary>A view is removed; subscriptions to it end with an error.</summary>
    RemoveView,

    /// <summary>A view's row type or kind changes; subscriptions to it end with an error.</summary>
    ChangeView,

    /// <summary>Views kept as they were are computed by the new module's code; subscriptions to them end with an error.</summary>
    RecomputeViews,

    /// <summary>A procedure is added.</summary>
    AddProcedure,

    /// <summary>A procedure is removed.</summary>
    RemoveProcedure,

    /// <summary>A procedure's parameters or return type change.</summary>
    ChangeProcedure,
}

/// <summary>One step of a migration plan.</summary>
/// <param name="Kind">What the step is.</param>
/// <param name="Subject">The table or reducer it concerns.</param>
/// <param name="Description">What it does, in a sentence.</param>
/// <param name="Rows">What it does to existing rows.</param>
/// <param name="Clients">What it does to connected clients.</param>
/// <param name="Automatic">False when the publish is refused because of this step (the description says what to do instead).</param>
/// <param name="BreaksClients">True when connected clients are disconnected (needs <c>--break-clients</c>).</param>
public sealed record MigrationStep(
    MigrationStepKind Kind, string Subject, string Description, string Rows, string Clients, bool Automatic = true, bool BreaksClients = false);

/// <summary>
/// How a database moves from its current module to a new one: the steps in order, whether the move
/// is automatic, whether it breaks clients. Built by comparing the stored tables and the two modules;
/// <c>meridian publish --dry-run</c> and <c>pre_publish</c> print it.
/// </summary>
public sealed class MigrationPlan
{
    internal MigrationPlan(IReadOnlyList<MigrationStep> steps, MigrationWork work)
    {
        Steps = steps;
        Work = work;
    }

    /// <summary>The steps, table changes first (in module order), then functions and filters.</summary>
    public IReadOnlyList<MigrationStep> Steps { get; }

    /// <summary>True when every step can run: the publish needs no <c>--delete-data</c> and no manual migration.</summary>
    public bool IsAutomatic => Steps.All(s => s.Automatic);

    /// <summary>True when a step disconnects clients (the publish needs <c>--break-clients</c>).</summary>
    public bool BreaksClients => Steps.Any(s => s.Automatic && s.BreaksClients);

    /// <summary>True when a step deletes data or disconnects clients: <c>meridian publish</c> asks before running it.</summary>
    public bool NeedsConfirmation => BreaksClients || Steps.Any(s => s.Kind == MigrationStepKind.RemoveEmptyTable);

    /// <summary>True when nothing changes at all (the same module again).</summary>
    public bool IsEmpty => Steps.Count == 0;

    internal MigrationWork Work { get; }

    internal MigrationPlan WithStep(MigrationStep step) => new([.. Steps, step], Work);

    /// <summary>The refused steps.</summary>
    public IEnumerable<MigrationStep> Refused => Steps.Where(s => !s.Automatic);

    /// <summary>The plan as text: one numbered line per step, with its effect on rows and clients.</summary>
    public string Describe()
    {
        var sb = new StringBuilder();
        if (Steps.Count == 0)
            return "No changes: the module's tables, reducers and filters are the same.\n";
        sb.Append(IsAutomatic
            ? BreaksClients ? "Automatic migration that disconnects clients (needs --break-clients):\n" : "Automatic migration:\n"
            : "This update cannot be applied automatically:\n");
        for (var i = 0; i < Steps.Count; i++)
        {
            var s = Steps[i];
            var tag = !s.Automatic ? "refused" : s.BreaksClients ? "breaks clients" : "automatic";
            sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"  {i + 1}. [{tag}] {s.Description}\n");
            sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"       rows: {s.Rows}\n");
            sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"       clients: {s.Clients}\n");
        }
        return sb.ToString();
    }

    /// <summary>
    /// Why a subscription this migration ends must subscribe again: the tables whose rows changed shape, then the
    /// other changes to existing tables and views, each step's description naming its table (and index or view).
    /// </summary>
    public string ResubscribeReason()
    {
        var shape = Steps
            .Where(s => s.Kind is MigrationStepKind.AddColumns or MigrationStepKind.RemoveEmptyTable or MigrationStepKind.ManualMigration)
            .Select(s => $"'{s.Subject}'")
            .Distinct()
            .ToList();
        var other = Steps.Where(s => AltersWhatClientsRead(s.Kind)).Select(s => s.Description).ToList();
        var sb = new StringBuilder("The database's module was updated");
        if (shape.Count > 0)
            sb.Append(" and table(s) ").AppendJoin(", ", shape).Append(" changed shape");
        if (other.Count > 0)
            sb.Append(shape.Count > 0 ? " (also: " : " (").AppendJoin("; ", other).Append(')');
        return sb.Append("; subscribe again.").ToString();
    }

    // Changes to a table or view that exists on both sides, other than its rows' shape: what may end a subscription to it.
    private static bool AltersWhatClientsRead(MigrationStepKind kind) => kind
        is MigrationStepKind.WidenColumnType or MigrationStepKind.AddIndex or MigrationStepKind.RemoveIndex
        or MigrationStepKind.AddUniqueConstraint or MigrationStepKind.RemoveUniqueConstraint
        or MigrationStepKind.AddSequence or MigrationStepKind.RemoveSequence or MigrationStepKind.ChangePrimaryKey
        or MigrationStepKind.ChangeAccess or MigrationStepKind.ChangeNames or MigrationStepKind.RemoveView or MigrationStepKind.ChangeView;

    /// <summary>The refusals as one message (empty when automatic).</summary>
    public string RefusalMessage() =>
        string.Join(" ", Refused.Select(s => s.Description.EndsWith('.') ? s.Description : s.Description + "."));
}
