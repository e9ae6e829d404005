using Meridian.Sats.ModuleDef;
using Meridian.Sats.Types;
using SpacetimeDB.BSATN;

namespace SpacetimeDB.Internal;

/// <summary>Decodes a reducer's arguments from <paramref name="args"/> and runs it.</summary>
public delegate void ReducerInvoker(ReducerCallInfo call, ref Meridian.Sats.Bsatn.BsatnReader args);

/// <summary>What the host knows about the caller of a reducer.</summary>
/// <param name="Sender">The caller's identity (the owner for Init, the database for scheduled calls).</param>
/// <param name="ConnectionId">The caller's connection, or null for internal calls.</param>
/// <param name="Timestamp">The transaction's logical start time.</param>
/// <param name="Jwt">The caller's token payload (JSON), when it presented one; null for internal calls.</param>
public readonly record struct ReducerCallInfo(Identity Sender, ConnectionId? ConnectionId, Timestamp Timestamp, string? Jwt = null);

/// <summary>Marker for the generated <c>ReducerContext</c>.</summary>
public interface IReducerContext;

/// <summary>
/// Collects the registrations the generated code makes and produces the
/// <see cref="ModuleDescriptor"/>. Callers register reducers first and tables after, each kind
/// sorted by name, so the typespace order matches upstream's.
/// </summary>
public sealed partial class ModuleBuilder
{
    private readonly TypeRegistrar _registrar = new();
    private readonly List<RawReducerDefV10> _reducers = [];
    private readonly List<ReducerDescriptor> _reducerDescriptors = [];
    private readonly List<RawLifeCycleReducerDefV10> _lifecycle = [];
    private readonly List<RawTableDefV10> _tables = [];
    private readonly List<RawScheduleDefV10> _schedules = [];
    private readonly List<ExplicitNameEntry> _explicitNames = [];
    private readonly List<RawViewDefV10> _views = [];
    private readonly List<RawViewPrimaryKeyDefV10> _viewPrimaryKeys = [];
    private readonly List<ViewDescriptor> _viewDescriptors = [];
    private readonly List<RawRowLevelSecurityDefV10> _rowLevelSecurity = [];
    private readonly List<MigrationDescriptor> _migrations = [];
    private Meridian.Sats.ModuleDef.CaseConversionPolicy? _policy;

    /// <summary>The registrar that builds the typespace.</summary>
    public ITypeRegistrar Registrar => _registrar;

    /// <summary>Sets the policy from a <c>[Settings]</c> constant; the section is emitted only then.</summary>
    public void SetCaseConversionPolicy(CaseConversionPolicy policy) =>
        _policy = (Meridian.Sats.ModuleDef.CaseConversionPolicy)(byte)policy;

    /// <summary>Maps a table's source name to an explicit canonical name.</summary>
    public void RegisterExplicitTableName(string sourceName, string canonicalName) =>
        _explicitNames.Add(new ExplicitNameEntry(ExplicitNameKind.Table, sourceName, canonicalName));

    /// <summary>Maps a reducer's source name to an explicit canonical name.</summary>
    public void RegisterExplicitFunctionName(string sourceName, string canonicalName) =>
        _explicitNames.Add(new ExplicitNameEntry(ExplicitNameKind.Function, sourceName, canonicalName));

    /// <summary>Maps an index's source name to an explicit canonical name.</summary>
    public void RegisterExplicitIndexName(string sourceName, string canonicalName) =>
        _explicitNames.Add(new ExplicitNameEntry(ExplicitNameKind.Index, sourceName, canonicalName));

    /// <summary>Registers a reducer; its id is its registration position.</summary>
    public void RegisterReducer(string name, ReducerKind kind, Func<ITypeRegistrar, (string Name, AlgebraicType Type)[]> parameters, ReducerInvoker invoker)
    {
        var ps = parameters(_registrar);
        var lifecycle = kind switch
        {
            ReducerKind.Init => Lifecycle.Init,
            ReducerKind.ClientConnected => Lifecycle.OnConnect,
            ReducerKind.ClientDisconnected => Lifecycle.OnDisconnect,
            _ => (Lifecycle?)null,
        };
        _reducers.Add(new RawReducerDefV10(
            name,
            new ProductType(ps.Select(p => new ProductTypeElement(p.Name, p.Type))),
            FunctionVisibility.ClientCallable,
            AlgebraicType.Unit,
            AlgebraicType.String));
        if (lifecycle is { } l)
            _lifecycle.Add(new RawLifeCycleReducerDefV10(l, name));
        _reducerDescriptors.Add(new ReducerDescriptor(_reducerDescriptors.Count, name, lifecycle, invoker));
    }

    /// <summary>
    /// Marks reducer <paramref name="reducerName"/> (registered already) as the manual migration of stored
    /// table <paramref name="table"/>; it becomes private (clients cannot call it).
    /// </summary>
    public void RegisterMigration(string table, string reducerName) =>
        _migrations.Add(new MigrationDescriptor(table, reducerName));

    /// <summary>
    /// Registers a view: <paramref name="returnType"/> is its option, array or <c>[__query__: Ref T]</c> type;
    /// <paramref name="primaryKey"/> names a column of the row type (source name) or is null.
    /// </summary>
    public void RegisterView(
        string name, bool isAnonymous, bool isPublic, Func<ITypeRegistrar, AlgebraicType> returnType, string? primaryKey, ViewInvoker invoker)
    {
        var index = (uint)_views.Count(v => v.IsAnonymous == isAnonymous);
        _views.Add(new RawViewDefV10(name, index, isPublic, isAnonymous, new ProductType([]), returnType(_registrar)));
        if (primaryKey is not null)
            _viewPrimaryKeys.Add(new RawViewPrimaryKeyDefV10(name, [primaryKey]));
        _viewDescriptors.Add(new ViewDescriptor(_viewDescriptors.Count, name, isAnonymous, invoker));
    }

    /// <summary>Registers a table (and its schedule); its position is the <c>table</c> number the host receives.</summary>
    public void RegisterTable(RawTableDefV10 table, RawScheduleDefV10? schedule = null)
    {
        _tables.Add(table);
        if (schedule is not null)
            _schedules.Add(schedule);
    }

    /// <summary>Produces the module definition and dispatch table.</summary>
    public ModuleDescriptor Build()
    {
        // Lifecycle reducers and scheduled functions are not for clients.
        var hidden = _lifecycle.Select(l => l.FunctionName)
            .Concat(_schedules.Select(s => s.FunctionName))
            .Concat(_migrations.Select(m => m.ReducerName))
            .ToHashSet(StringComparer.Ordinal);
        var reducers = _reducers.Select(r => hidden.Contains(r.SourceName) ? r with { Visibility = FunctionVisibility.Private } : r).ToArray();
        var procedures = _procedures.Select(p => hidden.Contains(p.SourceName) ? p with { Visibility = FunctionVisibility.Private } : p).ToArray();

        var sections = new List<RawModuleDefV10Section> { new RawModuleDefV10Section.TypespaceSection(_registrar.Typespace) };
        if (_registrar.TypeDefs.Count > 0)
            sections.Add(new RawModuleDefV10Section.TypesSection(_registrar.TypeDefs.ToArray()));
        if (_tables.Count > 0)
            sections.Add(new RawModuleDefV10Section.TablesSection(_tables.ToArray()));
        if (reducers.Length > 0)
            sections.Add(new RawModuleDefV10Section.ReducersSection(reducers));
        if (procedures.Length > 0)
            sections.Add(new RawModuleDefV10Section.ProceduresSection(procedures));
        if (_views.Count > 0)
            sections.Add(new RawModuleDefV10Section.ViewsSection(_views.ToArray()));
        if (_viewPrimaryKeys.Count > 0)
            sections.Add(new RawModuleDefV10Section.ViewPrimaryKeysSection(_viewPrimaryKeys.ToArray()));
        if (_schedules.Count > 0)
            sections.Add(new RawModuleDefV10Section.SchedulesSection(_schedules.ToArray()));
        if (_lifecycle.Count > 0)
            sections.Add(new RawModuleDefV10Section.LifeCycleReducersSection(_lifecycle.ToArray()));
        if (_policy is { } policy)
            sections.Add(new RawModuleDefV10Section.CaseConversionPolicySection(policy));
        if (_explicitNames.Count > 0)
            sections.Add(new RawModuleDefV10Section.ExplicitNamesSection(_explicitNames.ToArray()));
        if (_rowLevelSecurity.Count > 0)
            sections.Add(new RawModuleDefV10Section.RowLevelSecuritySection(_rowLevelSecurity.ToArray()));
        return new ModuleDescriptor(new RawModuleDef(new RawModuleDefV10(sections)), _reducerDescriptors.ToArray(), _procedureDescriptors.ToArray())
        {
            Views = _viewDescriptors.ToArray(),
            Migrations = _migrations.ToArray(),
            HttpHandlers = _httpHandlers.ToArray(),
            HttpRoutes = HttpRoutes.ToArray(),
        };
    }
}
