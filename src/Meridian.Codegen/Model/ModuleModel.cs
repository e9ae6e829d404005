using Meridian.Sats.ModuleDef;
using Meridian.Sats.Types;

namespace Meridian.Codegen.Model;

/// <summary>
/// What a client needs to know of a module, resolved from its definition: tables and views with
/// their wire names, columns, keys, indexes and constraints; reducers and procedures; named types.
/// Everything is sorted the way the generated files list it, so output does not depend on the
/// order the module declared things in.
/// </summary>
public sealed class ModuleModel
{
    private const string QueryField = "__query__";

    private readonly Dictionary<uint, NamedType> _typesByRef;

    private ModuleModel(
        Typespace typespace,
        IReadOnlyList<NamedType> types,
        IReadOnlyList<TableModel> tables,
        IReadOnlyList<TableModel> views,
        IReadOnlyList<FunctionModel> reducers,
        IReadOnlyList<FunctionModel> procedures)
    {
        Typespace = typespace;
        Types = types;
        Tables = tables;
        Views = views;
        Reducers = reducers;
        Procedures = procedures;
        _typesByRef = [];
        foreach (var t in types)
            _typesByRef.TryAdd(t.Ref, t);
    }

    /// <summary>The module's typespace (source names).</summary>
    public Typespace Typespace { get; }

    /// <summary>The named types, by name (ordinal).</summary>
    public IReadOnlyList<NamedType> Types { get; }

    /// <summary>Every table (public and private), by canonical name (ordinal).</summary>
    public IReadOnlyList<TableModel> Tables { get; }

    /// <summary>The views, by canonical name (ordinal).</summary>
    public IReadOnlyList<TableModel> Views { get; }

    /// <summary>Every reducer, lifecycle and private ones included, by canonical name (ordinal).</summary>
    public IReadOnlyList<FunctionModel> Reducers { get; }

    /// <summary>Every procedure, by canonical name (ordinal).</summary>
    public IReadOnlyList<FunctionModel> Procedures { get; }

    /// <summary>The named type a typespace reference points at.</summary>
    /// <exception cref="CodegenException">The reference has no name in the module's Types section.</exception>
    public NamedType TypeOf(uint typeRef) =>
        _typesByRef.TryGetValue(typeRef, out var t)
            ? t
            : throw new CodegenException($"The typespace entry &{typeRef} is used by the module but has no name in its Types section.");

    /// <summary>Resolves a module definition.</summary>
    /// <exception cref="CodegenException">The definition is inconsistent; the message says where.</exception>
    public static ModuleModel From(RawModuleDefV10 def)
    {
        ArgumentNullException.ThrowIfNull(def);
        var typespace = def.Typespace ?? Typespace.Empty;
        var policy = def.CaseConversionPolicy;

        var types = (def.Types ?? [])
            .Select(t =>
            {
                var name = string.Concat(t.SourceName.Scope.Append(t.SourceName.SourceName).Select(CanonicalNames.ToPascalCase));
                var definition = Resolve(typespace, t.Ty, $"type {t.SourceName.SourceName}");
                return new NamedType(name, t.SourceName.SourceName, t.Ty, definition);
            })
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .ToList();

        var tables = (def.Tables ?? []).Select(t => Table(def, typespace, policy, t))
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .ToList();

        var viewKeys = def.ViewPrimaryKeys ?? [];
        var views = (def.Views ?? []).Select(v => View(def, typespace, policy, v, viewKeys))
            .OrderBy(v => v.Name, StringComparer.Ordinal)
            .ToList();

        var lifecycles = (def.LifeCycleReducers ?? []).ToDictionary(l => l.FunctionName, l => l.LifecycleSpec, StringComparer.Ordinal);
        var reducers = (def.Reducers ?? []).Select(r => new FunctionModel(
                r.SourceName,
                def.CanonicalFunctionName(r.SourceName),
                r.Params,
                null,
                r.Visibility == FunctionVisibility.ClientCallable,
                lifecycles.TryGetValue(r.SourceName, out var l) ? l : null))
            .OrderBy(r => r.Name, StringComparer.Ordinal)
            .ToList();
        var procedures = (def.Procedures ?? []).Select(p => new FunctionModel(
                p.SourceName,
                def.CanonicalFunctionName(p.SourceName),
                p.Params,
                p.ReturnType,
                p.Visibility == FunctionVisibility.ClientCallable,
                null))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ToList();

        return new ModuleModel(typespace, types, tables, views, reducers, procedures);
    }

    private static TableModel Table(RawModuleDefV10 def, Typespace typespace, CaseConversionPolicy policy, RawTableDefV10 t)
    {
        var name = def.CanonicalTableName(t.SourceName);
        if (Resolve(typespace, t.ProductTypeRef, $"table {t.SourceName}") is not ProductType row)
            throw new CodegenException($"Table '{t.SourceName}': its row type &{t.ProductTypeRef} is not a product type.");
        var columns = Columns(row, policy);
        if (t.PrimaryKey.Count > 1)
            throw new CodegenException($"Table '{t.SourceName}' has a primary key of {t.PrimaryKey.Count} columns; at most one is supported.");
        foreach (var c in t.PrimaryKey.Concat(t.Indexes.SelectMany(i => i.Algorithm.Columns)).Concat(t.Constraints.SelectMany(c => c.UniqueColumns)))
        {
            if (c >= columns.Count)
                throw new CodegenException($"Table '{t.SourceName}' refers to column {c}, but its row has {columns.Count} columns.");
        }

        var indexes = t.Indexes
            .Select(ix =>
            {
                var source = ix.SourceName ?? CanonicalNames.IndexName(
                    t.SourceName, ix.Algorithm.Columns.Select(c => columns[c].SourceName), ix.Algorithm.NameSuffix);
                var indexName = IsExplicit(def, ExplicitNameKind.Index, source)
                    ? def.CanonicalIndexName(source)
                    : CanonicalNames.IndexName(name, ix.Algorithm.Columns.Select(c => columns[c].Name), ix.Algorithm.NameSuffix);
                return new IndexModel(indexName, ix.AccessorName, ix.Algorithm.Kind, ix.Algorithm.Columns.Select(c => (int)c).ToList());
            })
            .OrderBy(i => i.Name, StringComparer.Ordinal)
            .ToList();
        var constraints = t.Constraints
            .Select(c => new ConstraintModel(
                c.SourceName ?? CanonicalNames.UniqueConstraintName(name, c.UniqueColumns.Select(col => columns[col].Name)),
                c.UniqueColumns.Select(col => (int)col).ToList()))
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .ToList();
        var schedule = (def.Schedules ?? []).FirstOrDefault(s => s.TableName == t.SourceName);
        return new TableModel(
            t.SourceName,
            name,
            t.ProductTypeRef,
            row,
            columns,
            t.PrimaryKey.Count == 1 ? t.PrimaryKey[0] : null,
            indexes,
            constraints,
            t.Sequences.Select(s => (int)s.Column).Order().ToList(),
            t.TableAccess == TableAccess.Public,
            t.IsEvent,
            IsView: false,
            schedule is null ? null : def.CanonicalFunctionName(schedule.FunctionName),
            schedule?.ScheduleAtCol);
    }

    private static TableModel View(
        RawModuleDefV10 def, Typespace typespace, CaseConversionPolicy policy, RawViewDefV10 v, IReadOnlyList<RawViewPrimaryKeyDefV10> keys)
    {
        var rowRef = v.ReturnType switch
        {
            RefType r => r.Index,
            ArrayType { ElementType: RefType r } => r.Index,
            SumType s when s.SpecialKind == SpecialTypeKind.Option && s.Variants[0].Type is RefType r => r.Index,
            // A view that returns a query (IQuery<T>, ctx.From...) declares the product { __query__: T }.
            ProductType { Elements: [{ Name: QueryField, Type: RefType r }] } => r.Index,
            _ => throw new CodegenException(
                $"View '{v.SourceName}' returns {v.ReturnType}; a view returns a named product type, an option of one, an array of one or a query of one."),
        };
        if (Resolve(typespace, rowRef, $"view {v.SourceName}") is not ProductType row)
            throw new CodegenException($"View '{v.SourceName}': its row type &{rowRef} is not a product type.");
        var columns = Columns(row, policy);
        int? primaryKey = null;
        var key = keys.FirstOrDefault(k => k.ViewSourceName == v.SourceName);
        if (key is { Columns.Count: 1 })
        {
            var index = columns.ToList().FindIndex(c => c.SourceName == key.Columns[0]);
            if (index < 0)
                throw new CodegenException($"View '{v.SourceName}': its primary key '{key.Columns[0]}' is not one of its columns.");
            primaryKey = index;
        }
        else if (v.ReturnType is ProductType)
        {
            // A query's rows are rows of a table: the view takes the primary key of the tables with its row type,
            // when they agree on one (as upstream's codegen does), so clients get updates for it too.
            var tableKeys = (def.Tables ?? []).Where(t => t.ProductTypeRef == rowRef && t.PrimaryKey.Count == 1)
                .Select(t => (int)t.PrimaryKey[0]).Distinct().ToList();
            if (tableKeys.Count == 1)
                primaryKey = tableKeys[0];
        }
        return new TableModel(
            v.SourceName, def.CanonicalFunctionName(v.SourceName), rowRef, row, columns, primaryKey, [], [], [], v.IsPublic, false, IsView: true, null, null);
    }

    private static List<ColumnModel> Columns(ProductType row, CaseConversionPolicy policy) =>
        row.Elements.Select((e, i) =>
        {
            var source = e.Name ?? $"col_{i}";
            return new ColumnModel(source, e.Name is null ? source : CanonicalNames.Convert(source, policy), e.Type);
        }).ToList();

    private static bool IsExplicit(RawModuleDefV10 def, ExplicitNameKind kind, string sourceName) =>
        def.ExplicitNames?.Any(e => e.Kind == kind && e.SourceName == sourceName) == true;

    private static AlgebraicType Resolve(Typespace typespace, uint typeRef, string what)
    {
        if (typeRef >= typespace.Types.Count)
            throw new CodegenException($"The {what} refers to &{typeRef}, but the typespace has {typespace.Types.Count} entries.");
        var type = typespace[typeRef];
        for (var hops = 0; type is RefType r; hops++)
        {
            if (hops > typespace.Types.Count || r.Index >= typespace.Types.Count)
                throw new CodegenException($"The {what} refers to &{typeRef}, which does not resolve to a type.");
            type = typespace[r.Index];
        }
        return type;
    }
}
