using Meridian.Sats.ModuleDef;
using Meridian.Sats.Types;
using Meridian.Storage.Schema;
using StorageAccess = Meridian.Storage.Schema.TableAccess;

namespace Meridian.Runtime.Modules;

/// <summary>One table of a module: its names and the storage definition built from it.</summary>
/// <param name="ModuleIndex">Position in the module definition's Tables section (what the module's host calls use).</param>
/// <param name="Name">Canonical name (wire, SQL, storage).</param>
/// <param name="AccessorName">Source (accessor) name.</param>
/// <param name="Schema">The storage definition (canonical column names, module indexes first and in order).</param>
/// <param name="ColumnAccessors">The source names of the columns.</param>
public sealed record ModuleTable(int ModuleIndex, string Name, string AccessorName, TableSchema Schema, IReadOnlyList<string?> ColumnAccessors)
{
    // Stored names for the layers above (the HTTP schema documents), which may not see the storage types.

    /// <summary>The stored name of the module's <paramref name="index"/>-th index, or null past the module's indexes.</summary>
    public string? IndexName(int index) => index < Schema.Indexes.Count ? Schema.Indexes[index].Name : null;

    /// <summary>The stored name of the unique constraint on <paramref name="columns"/>, else its canonical name.</summary>
    public string UniqueConstraintName(IReadOnlyList<int> columns) =>
        Schema.UniqueConstraints.FirstOrDefault(u => u.Columns.SequenceEqual(columns))?.Name
            ?? CanonicalNames.UniqueConstraintName(Name, columns.Select(c => Schema.ColumnName(c)));

    /// <summary>The stored name of the sequence on <paramref name="column"/>, else its canonical name.</summary>
    public string SequenceName(int column) =>
        Schema.Sequences.FirstOrDefault(q => q.Column == column)?.Name ?? CanonicalNames.SequenceName(Name, Schema.ColumnName(column));
}

/// <summary>One reducer of a module.</summary>
/// <param name="Id">Its id in the module's dispatch table.</param>
/// <param name="Name">Canonical name (what clients call).</param>
/// <param name="SourceName">Source name.</param>
/// <param name="Params">Parameter types with canonical names.</param>
/// <param name="ClientCallable">False for lifecycle and scheduled reducers.</param>
/// <param name="Lifecycle">The lifecycle event it handles, if any.</param>
public sealed record ModuleReducer(int Id, string Name, string SourceName, ProductType Params, bool ClientCallable, Lifecycle? Lifecycle)
{
    /// <summary>
    /// The length every valid argument encoding has when each parameter is a number (any bytes of that length are then
    /// valid, so checking the arguments is checking their length); -1 when a parameter has another type.
    /// </summary>
    internal int FixedArgumentsLength { get; } = FixedLength(Params);

    private static int FixedLength(ProductType parameters)
    {
        var total = 0;
        foreach (var element in parameters.Elements)
        {
            var size = element.Type.Tag switch
            {
                AlgebraicTypeTag.I8 or AlgebraicTypeTag.U8 => 1,
                AlgebraicTypeTag.I16 or AlgebraicTypeTag.U16 => 2,
                AlgebraicTypeTag.I32 or AlgebraicTypeTag.U32 or AlgebraicTypeTag.F32 => 4,
                AlgebraicTypeTag.I64 or AlgebraicTypeTag.U64 or AlgebraicTypeTag.F64 => 8,
                AlgebraicTypeTag.I128 or AlgebraicTypeTag.U128 => 16,
                AlgebraicTypeTag.I256 or AlgebraicTypeTag.U256 => 32,
                _ => -1,
            };
            if (size < 0)
                return -1;
            total += size;
        }
        return total;
    }
}

/// <summary>A manual migration (<c>[Migration]</c>): the private reducer that receives each old row of stored table <see cref="Table"/>.</summary>
/// <param name="Table">The stored table's name, as the module wrote it.</param>
/// <param name="Reducer">The reducer; its one parameter is the old row.</param>
public sealed record ModuleMigration(string Table, ModuleReducer Reducer)
{
    /// <summary>The type of the old rows the migration accepts.</summary>
    public AlgebraicType OldRowType => Reducer.Params.Elements[0].Type;

    /// <summary>Whether this migration is for stored table <paramref name="storedName"/> (canonical or accessor name, any case).</summary>
    public bool IsFor(string storedName, string? accessorName) =>
        string.Equals(Table, storedName, StringComparison.OrdinalIgnoreCase)
        || (accessorName is not null && string.Equals(Table, accessorName, StringComparison.Ordinal));
}

/// <summary>A scheduled table: inserting a row schedules <see cref="Reducer"/> (or <see cref="Procedure"/>) with that row.</summary>
/// <param name="Table">The table.</param>
/// <param name="ScheduleAtColumn">The column holding the <c>ScheduleAt</c>.</param>
/// <param name="IdColumn">The primary-key column that identifies a scheduled row.</param>
/// <param name="Reducer">The reducer to call; its one parameter is the row (null for a procedure).</param>
/// <param name="Procedure">The procedure to call instead, which gets the row after it is deleted (one-shot).</param>
public sealed record ModuleSchedule(ModuleTable Table, int ScheduleAtColumn, int IdColumn, ModuleReducer? Reducer, ModuleProcedure? Procedure = null)
{
    /// <summary>The canonical name of the function the rows call.</summary>
    public string FunctionName => Reducer?.Name ?? Procedure!.Name;
}

/// <summary>
/// A module definition validated and turned into what the runtime needs: canonical names
/// (protocol.md §9.4) for tables, columns, reducers and types, and storage table definitions.
/// </summary>
public sealed partial class ModuleSchema
{
    private readonly Dictionary<string, ModuleReducer> _reducersByName;

    private ModuleSchema(
        RawModuleDefV10 raw,
        RawModuleDefV10 canonical,
        Typespace typespace,
        IReadOnlyList<ModuleTable> tables,
        IReadOnlyList<ModuleReducer> reducers,
        IReadOnlyList<ModuleSchedule> schedules)
    {
        Schedules = schedules;
        Raw = raw;
        Canonical = canonical;
        Typespace = typespace;
        Tables = tables;
        Reducers = reducers;
        _reducersByName = reducers.ToDictionary(r => r.Name, StringComparer.Ordinal);
    }

    /// <summary>The definition as the module described it.</summary>
    public RawModuleDefV10 Raw { get; }

    /// <summary>The definition with canonical names, as <c>/schema?version=10</c> serves it.</summary>
    public RawModuleDefV10 Canonical { get; }

    /// <summary>The typespace with canonical field and variant names.</summary>
    public Typespace Typespace { get; }

    /// <summary>The tables, in module order.</summary>
    public IReadOnlyList<ModuleTable> Tables { get; }

    /// <summary>The reducers, by id.</summary>
    public IReadOnlyList<ModuleReducer> Reducers { get; }

    /// <summary>The scheduled tables.</summary>
    public IReadOnlyList<ModuleSchedule> Schedules { get; }

    /// <summary>The manual migrations (a Meridian extension; their reducers are private).</summary>
    public IReadOnlyList<ModuleMigration> Migrations { get; internal set; } = [];

    /// <summary>The reducer with this canonical name (or, failing that, source name).</summary>
    public ModuleReducer? FindReducer(string name) => _reducersByName.GetValueOrDefault(name) ?? FindReducerBySourceName(name);

    // Apart from FindReducer: its lambda's closure would otherwise be allocated on every lookup, found or not.
    private ModuleReducer? FindReducerBySourceName(string name) => Reducers.FirstOrDefault(r => r.SourceName == name);

    /// <summary>The reducer for a lifecycle event.</summary>
    public ModuleReducer? FindLifecycle(Lifecycle lifecycle) => Reducers.FirstOrDefault(r => r.Lifecycle == lifecycle);

    /// <summary>Validates <paramref name="def"/> and derives canonical names and storage definitions.</summary>
    /// <exception cref="InvalidOperationException">The definition is not usable; the message says why.</exception>
    public static ModuleSchema Create(RawModuleDef def, IReadOnlyList<string> reducerSourceNames, IReadOnlyList<string>? procedureSourceNames = null)
    {
        var raw = def.V10;
        var policy = raw.CaseConversionPolicy;
        var rawTypes = raw.Typespace ?? Typespace.Empty;
        var typespace = new Typespace(rawTypes.Types.Select(t => CanonicalType(t, policy)));

        var tables = new List<ModuleTable>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var rawTables = raw.Tables ?? [];
        for (var i = 0; i < rawTables.Count; i++)
        {
            var t = rawTables[i];
            var name = raw.CanonicalTableName(t.SourceName);
            if (!names.Add(name))
                throw new InvalidOperationException($"Two tables are named '{name}'.");
            if (typespace.Resolve(AlgebraicType.Ref(t.ProductTypeRef)) is not ProductType rowType)
                throw new InvalidOperationException($"Table '{name}': its row type &{t.ProductTypeRef} is not a product type.");
            var sourceRow = (ProductType)rawTypes.Resolve(AlgebraicType.Ref(t.ProductTypeRef));
            var columnSource = sourceRow.Elements.Select(e => e.Name).ToList();
            var columnNames = rowType.Elements.Select((e, c) => e.Name ?? $"col_{c}").ToList();
            if (t.PrimaryKey.Count > 1)
                throw new InvalidOperationException($"Table '{name}' has a multi-column primary key; at most one column is supported.");

            var indexes = t.Indexes.Select(ix =>
            {
                var columns = ix.Algorithm.Columns.Select(c => (int)c).ToList();
                var source = ix.SourceName ?? CanonicalNames.IndexName(
                    t.SourceName,
                    columns.Select(c => columnSource[c] ?? c.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    AlgorithmName(ix.Algorithm.Kind));
                var algorithm = ix.Algorithm.Kind == RawIndexAlgorithmKind.Hash ? IndexAlgorithm.Hash : IndexAlgorithm.BTree;
                return new IndexSchema(raw.CanonicalIndexName(source), columns, algorithm);
            }).ToList();
            var constraints = t.Constraints.Select(c =>
                new UniqueConstraintSchema(
                    c.SourceName ?? CanonicalNames.UniqueConstraintName(name, c.UniqueColumns.Select(col => columnNames[col])),
                    c.UniqueColumns.Select(x => (int)x).ToList())).ToList();
            var sequences = t.Sequences.Select(s =>
            {
                var (min, max) = TableSchema.IntegerRange(typespace.Resolve(rowType.Elements[s.Column].Type).Tag)
                    ?? throw new InvalidOperationException($"Table '{name}': auto-increment column '{columnNames[s.Column]}' is not an integer.");
                var lo = s.MinValue ?? (min < 1 ? 1 : min);
                var hi = s.MaxValue ?? max;
                return new SequenceSchema(
                    s.SourceName ?? CanonicalNames.SequenceName(name, columnNames[s.Column]),
                    s.Column,
                    s.Start ?? lo,
                    lo,
                    hi,
                    s.Increment == 0 ? 1 : s.Increment);
            }).ToList();
            TableSchema schema;
            try
            {
                schema = new TableSchema(name, rowType, indexes, constraints, sequences,
                    t.PrimaryKey.Count == 1 ? t.PrimaryKey[0] : null,
                    t.TableAccess == Meridian.Sats.ModuleDef.TableAccess.Public ? StorageAccess.Public : StorageAccess.Private,
                    t.IsEvent, typespace);
            }
            catch (ArgumentException e)
            {
                throw new InvalidOperationException($"Table '{name}' is not valid: {e.Message}", e);
            }
            tables.Add(new ModuleTable(i, name, t.SourceName, schema, columnSource));
        }

        var lifecycles = (raw.LifeCycleReducers ?? []).ToDictionary(l => l.FunctionName, l => l.LifecycleSpec, StringComparer.Ordinal);
        var rawReducers = raw.Reducers ?? [];
        var reducers = new List<ModuleReducer>();
        for (var i = 0; i < rawReducers.Count; i++)
        {
            var r = rawReducers[i];
            var id = IndexOf(reducerSourceNames, r.SourceName);
            if (id < 0)
                throw new InvalidOperationException($"Reducer '{r.SourceName}' is declared but has no invoker.");
            var lifecycle = lifecycles.TryGetValue(r.SourceName, out var l) ? l : (Lifecycle?)null;
            reducers.Add(new ModuleReducer(id, raw.CanonicalFunctionName(r.SourceName), r.SourceName, (ProductType)CanonicalType(r.Params, policy),
                r.Visibility == FunctionVisibility.ClientCallable && lifecycle is null, lifecycle));
        }

        var procedures = CreateProcedures(raw, policy, procedureSourceNames ?? []);
        var schedules = new List<ModuleSchedule>();
        foreach (var s in raw.Schedules ?? [])
        {
            var table = tables.FirstOrDefault(t => t.AccessorName == s.TableName)
                ?? throw new InvalidOperationException($"Schedule '{s.SourceName}' names table '{s.TableName}', which the module does not declare.");
            var reducer = reducers.FirstOrDefault(r => r.SourceName == s.FunctionName);
            var procedure = reducer is null ? procedures.FirstOrDefault(p => p.SourceName == s.FunctionName) : null;
            if (reducer is null && procedure is null)
                throw new InvalidOperationException(
                    $"Table '{table.Name}' is scheduled to call '{s.FunctionName}', which is not a reducer or procedure of the module.");
            if (s.ScheduleAtCol >= table.Schema.RowType.Elements.Count || table.Schema.ColumnTypes[s.ScheduleAtCol].SpecialKind != SpecialTypeKind.ScheduleAt)
                throw new InvalidOperationException($"Scheduled table '{table.Name}': column {s.ScheduleAtCol} is not a ScheduleAt.");
            if (table.Schema.PrimaryKey is not int id)
                throw new InvalidOperationException(
                    $"Scheduled table '{table.Name}' needs a primary key (conventionally `[PrimaryKey, AutoInc] ulong ScheduledId`).");
            var parameters = reducer?.Params ?? procedure!.Params;
            var kind = reducer is null ? "Procedure" : "Reducer";
            if (parameters.Elements.Count != 1 || !typespace.Resolve(parameters.Elements[0].Type).Equals(table.Schema.RowType))
                throw new InvalidOperationException(
                    $"{kind} '{reducer?.Name ?? procedure!.Name}' is scheduled by table '{table.Name}', "
                        + "so it must take exactly one parameter: the table's row.");
            schedules.Add(new ModuleSchedule(table, s.ScheduleAtCol, id, reducer, procedure));
        }

        var canonical = CanonicalDefinition(raw, typespace, tables, reducers, procedures);
        return new ModuleSchema(raw, canonical, typespace, tables, reducers, schedules)
        {
            Procedures = procedures,
            Views = CreateViews(raw, rawTypes, typespace, tables),
        };
    }

    private static int IndexOf(IReadOnlyList<string> list, string value)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] == value)
                return i;
        }
        return -1;
    }

    private static string AlgorithmName(RawIndexAlgorithmKind kind) => kind switch
    {
        RawIndexAlgorithmKind.Hash => "hash",
        RawIndexAlgorithmKind.Direct => "direct",
        _ => "btree",
    };

    private static RawModuleDefV10 CanonicalDefinition(
        RawModuleDefV10 raw, Typespace typespace, List<ModuleTable> tables, List<ModuleReducer> reducers, List<ModuleProcedure> procedures)
    {
        var sections = new List<RawModuleDefV10Section>();
        foreach (var section in raw.Sections)
        {
            sections.Add(section switch
            {
                RawModuleDefV10Section.TypespaceSection => new RawModuleDefV10Section.TypespaceSection(typespace),
                RawModuleDefV10Section.TablesSection ts =>
                    new RawModuleDefV10Section.TablesSection(ts.Tables.Select((t, i) => t with { SourceName = tables[i].Name }).ToList()),
                RawModuleDefV10Section.ReducersSection rs => new RawModuleDefV10Section.ReducersSection(
                    rs.Reducers.Select((r, i) => r with { SourceName = reducers[i].Name, Params = reducers[i].Params }).ToList()),
                RawModuleDefV10Section.ProceduresSection ps => new RawModuleDefV10Section.ProceduresSection(ps.Procedures.Select((p, i) =>
                    p with { SourceName = procedures[i].Name, Params = procedures[i].Params, ReturnType = procedures[i].ReturnType }).ToList()),
                RawModuleDefV10Section.LifeCycleReducersSection ls => new RawModuleDefV10Section.LifeCycleReducersSection(
                    ls.LifeCycleReducers.Select(l => l with { FunctionName = raw.CanonicalFunctionName(l.FunctionName) }).ToList()),
                _ => section,
            });
        }
        return new RawModuleDefV10(sections);
    }

    /// <summary>Field names in snake_case and variant names in camelCase under SnakeCase; special types untouched.</summary>
    internal static AlgebraicType CanonicalType(AlgebraicType type, CaseConversionPolicy policy)
    {
        if (policy == CaseConversionPolicy.None || type.SpecialKind != SpecialTypeKind.None)
        {
            return type switch
            {
                SumType s when type.SpecialKind is SpecialTypeKind.Option or SpecialTypeKind.Result =>
                    new SumType(s.Variants.Select(v => v with { Type = CanonicalType(v.Type, policy) })),
                _ => type,
            };
        }
        return type switch
        {
            ProductType p => new ProductType(p.Elements.Select(e => new ProductTypeElement(
                e.Name is null ? null : CanonicalNames.Convert(e.Name, policy), CanonicalType(e.Type, policy)))),
            SumType s => new SumType(s.Variants.Select(v => new SumTypeVariant(
                v.Name is null ? null : CanonicalNames.ConvertVariant(v.Name, policy), CanonicalType(v.Type, policy)))),
            ArrayType a => new ArrayType(CanonicalType(a.ElementType, policy)),
            _ => type,
        };
    }
}
