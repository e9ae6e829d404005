using Meridian.Sats.Types;

namespace Meridian.Sats.ModuleDef;

/// <summary>
/// <c>RawModuleDefV10</c>: a list of optional sections in any order (protocol.md §9.3). The typed
/// accessors return the first section of each kind, or null when it is absent.
/// </summary>
public sealed partial record RawModuleDefV10(IReadOnlyList<RawModuleDefV10Section> Sections)
{
    /// <summary>The typespace, or null.</summary>
    public Typespace? Typespace => Find<RawModuleDefV10Section.TypespaceSection>()?.Typespace;

    /// <summary>The named types, or null.</summary>
    public IReadOnlyList<RawTypeDefV10>? Types => Find<RawModuleDefV10Section.TypesSection>()?.Types;

    /// <summary>The tables, or null.</summary>
    public IReadOnlyList<RawTableDefV10>? Tables => Find<RawModuleDefV10Section.TablesSection>()?.Tables;

    /// <summary>The reducers, or null.</summary>
    public IReadOnlyList<RawReducerDefV10>? Reducers => Find<RawModuleDefV10Section.ReducersSection>()?.Reducers;

    /// <summary>The procedures, or null.</summary>
    public IReadOnlyList<RawProcedureDefV10>? Procedures => Find<RawModuleDefV10Section.ProceduresSection>()?.Procedures;

    /// <summary>The views, or null.</summary>
    public IReadOnlyList<RawViewDefV10>? Views => Find<RawModuleDefV10Section.ViewsSection>()?.Views;

    /// <summary>The schedules, or null.</summary>
    public IReadOnlyList<RawScheduleDefV10>? Schedules => Find<RawModuleDefV10Section.SchedulesSection>()?.Schedules;

    /// <summary>The lifecycle reducers, or null.</summary>
    public IReadOnlyList<RawLifeCycleReducerDefV10>? LifeCycleReducers => Find<RawModuleDefV10Section.LifeCycleReducersSection>()?.LifeCycleReducers;

    /// <summary>The row-level-security filters, or null.</summary>
    public IReadOnlyList<RawRowLevelSecurityDefV10>? RowLevelSecurity => Find<RawModuleDefV10Section.RowLevelSecuritySection>()?.Filters;

    /// <summary>The case-conversion policy in force (SnakeCase when the section is absent).</summary>
    public CaseConversionPolicy CaseConversionPolicy => Find<RawModuleDefV10Section.CaseConversionPolicySection>()?.Policy ?? CaseConversionPolicy.SnakeCase;

    /// <summary>The explicit names, or null.</summary>
    public IReadOnlyList<ExplicitNameEntry>? ExplicitNames => Find<RawModuleDefV10Section.ExplicitNamesSection>()?.Entries;

    /// <summary>The HTTP handlers, or null.</summary>
    public IReadOnlyList<RawHttpHandlerDefV10>? HttpHandlers => Find<RawModuleDefV10Section.HttpHandlersSection>()?.Handlers;

    /// <summary>The HTTP routes, or null.</summary>
    public IReadOnlyList<RawHttpRouteDefV10>? HttpRoutes => Find<RawModuleDefV10Section.HttpRoutesSection>()?.Routes;

    /// <summary>The view primary keys, or null.</summary>
    public IReadOnlyList<RawViewPrimaryKeyDefV10>? ViewPrimaryKeys => Find<RawModuleDefV10Section.ViewPrimaryKeysSection>()?.PrimaryKeys;

    /// <summary>The canonical name of a table: its explicit name, else its source name under the policy.</summary>
    public string CanonicalTableName(string sourceName) => Canonical(ExplicitNameKind.Table, sourceName);

    /// <summary>The canonical name of a reducer, procedure or view.</summary>
    public string CanonicalFunctionName(string sourceName) => Canonical(ExplicitNameKind.Function, sourceName);

    /// <summary>The canonical name of an index.</summary>
    public string CanonicalIndexName(string sourceName) => Canonical(ExplicitNameKind.Index, sourceName);

    private string Canonical(ExplicitNameKind kind, string sourceName)
    {
        if (ExplicitNames is { } entries)
        {
            foreach (var e in entries)
            {
                if (e.Kind == kind && e.SourceName == sourceName)
                    return e.CanonicalName;
            }
        }
        return CanonicalNames.Convert(sourceName, CaseConversionPolicy);
    }

    private T? Find<T>()
        where T : RawModuleDefV10Section
    {
        foreach (var s in Sections)
        {
            if (s is T t)
                return t;
        }
        return null;
    }
}

/// <summary>One section of a <see cref="RawModuleDefV10"/>.</summary>
public abstract record RawModuleDefV10Section
{
    private RawModuleDefV10Section()
    {
    }

    /// <summary>The section's BSATN tag.</summary>
    public abstract RawModuleDefV10SectionTag Tag { get; }

    /// <summary>Tag 0: the typespace.</summary>
    public sealed record TypespaceSection(Typespace Typespace) : RawModuleDefV10Section
    {
        /// <inheritdoc />
        public override RawModuleDefV10SectionTag Tag => RawModuleDefV10SectionTag.Typespace;
    }

    /// <summary>Tag 1: named types.</summary>
    public sealed record TypesSection(IReadOnlyList<RawTypeDefV10> Types) : RawModuleDefV10Section
    {
        /// <inheritdoc />
        public override RawModuleDefV10SectionTag Tag => RawModuleDefV10SectionTag.Types;
    }

    /// <summary>Tag 2: tables.</summary>
    public sealed record TablesSection(IReadOnlyList<RawTableDefV10> Tables) : RawModuleDefV10Section
    {
        /// <inheritdoc />
        public override RawModuleDefV10SectionTag Tag => RawModuleDefV10SectionTag.Tables;
    }

    /// <summary>Tag 3: reducers.</summary>
    public sealed record ReducersSection(IReadOnlyList<RawReducerDefV10> Reducers) : RawModuleDefV10Section
    {
        /// <inheritdoc />
        public override RawModuleDefV10SectionTag Tag => RawModuleDefV10SectionTag.Reducers;
    }

    /// <summary>Tag 4: procedures.</summary>
    public sealed record ProceduresSection(IReadOnlyList<RawProcedureDefV10> Procedures) : RawModuleDefV10Section
    {
        /// <inheritdoc />
        public override RawModuleDefV10SectionTag Tag => RawModuleDefV10SectionTag.Procedures;
    }

    /// <summary>Tag 5: views.</summary>
    public sealed record ViewsSection(IReadOnlyList<RawViewDefV10> Views) : RawModuleDefV10Section
    {
        /// <inheritdoc />
        public override RawModuleDefV10SectionTag Tag => RawModuleDefV10SectionTag.Views;
    }

    /// <summary>Tag 6: schedules.</summary>
    public sealed record SchedulesSection(IReadOnlyList<RawScheduleDefV10> Schedules) : RawModuleDefV10Section
    {
        /// <inheritdoc />
        public override RawModuleDefV10SectionTag Tag => RawModuleDefV10SectionTag.Schedules;
    }

    /// <summary>Tag 7: lifecycle reducers.</summary>
    public sealed record LifeCycleReducersSection(IReadOnlyList<RawLifeCycleReducerDefV10> LifeCycleReducers) : RawModuleDefV10Section
    {
        /// <inheritdoc />
        public override RawModuleDefV10SectionTag Tag => RawModuleDefV10SectionTag.LifeCycleReducers;
    }

    /// <summary>Tag 8: row-level-security filters.</summary>
    public sealed record RowLevelSecuritySection(IReadOnlyList<RawRowLevelSecurityDefV10> Filters) : RawModuleDefV10Section
    {
        /// <inheritdoc />
        public override RawModuleDefV10SectionTag Tag => RawModuleDefV10SectionTag.RowLevelSecurity;
    }

    /// <summary>Tag 9: the case-conversion policy.</summary>
    public sealed record CaseConversionPolicySection(CaseConversionPolicy Policy) : RawModuleDefV10Section
    {
        /// <inheritdoc />
        public override RawModuleDefV10SectionTag Tag => RawModuleDefV10SectionTag.CaseConversionPolicy;
    }

    /// <summary>Tag 10: explicit canonical names.</summary>
    public sealed record ExplicitNamesSection(IReadOnlyList<ExplicitNameEntry> Entries) : RawModuleDefV10Section
    {
        /// <inheritdoc />
        public override RawModuleDefV10SectionTag Tag => RawModuleDefV10SectionTag.ExplicitNames;
    }

    /// <summary>Tag 11: HTTP handlers.</summary>
    public sealed record HttpHandlersSection(IReadOnlyList<RawHttpHandlerDefV10> Handlers) : RawModuleDefV10Section
    {
        /// <inheritdoc />
        public override RawModuleDefV10SectionTag Tag => RawModuleDefV10SectionTag.HttpHandlers;
    }

    /// <summary>Tag 12: HTTP routes.</summary>
    public sealed record HttpRoutesSection(IReadOnlyList<RawHttpRouteDefV10> Routes) : RawModuleDefV10Section
    {
        /// <inheritdoc />
        public override RawModuleDefV10SectionTag Tag => RawModuleDefV10SectionTag.HttpRoutes;
    }

    /// <summary>Tag 13: view primary keys.</summary>
    public sealed record ViewPrimaryKeysSection(IReadOnlyList<RawViewPrimaryKeyDefV10> PrimaryKeys) : RawModuleDefV10Section
    {
        /// <inheritdoc />
        public override RawModuleDefV10SectionTag Tag => RawModuleDefV10SectionTag.ViewPrimaryKeys;
    }

    /// <summary>Tag 14: nested modules.</summary>
    public sealed record SubmodulesSection(IReadOnlyList<RawSubmoduleV10> Submodules) : RawModuleDefV10Section
    {
        /// <inheritdoc />
        public override RawModuleDefV10SectionTag Tag => RawModuleDefV10SectionTag.Submodules;
    }
}
