using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Meridian.Module.Generator;

/// <summary>
/// Generates serializers for <c>[SpacetimeDB.Type]</c> and <c>[SpacetimeDB.Table]</c> types, and
/// for a module (any table or reducer) the <c>ReducerContext</c>, <c>Local</c>, table handles and
/// the registration the runtime loads.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class ModuleGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names of the pipeline steps (for caching tests).</summary>
    public const string TypesStep = "Types";

    /// <summary>Tracking name of the table step.</summary>
    public const string TablesStep = "Tables";

    /// <summary>Tracking name of the reducer step.</summary>
    public const string ReducersStep = "Reducers";

    /// <summary>Tracking name of the combined module step.</summary>
    public const string ModuleStep = "Module";

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var types = context.SyntaxProvider.ForAttributeWithMetadataName(
                "SpacetimeDB.TypeAttribute",
                static (node, _) => node is BaseTypeDeclarationSyntax,
                Parser.ParseType)
            .WithTrackingName(TypesStep);
        var tables = context.SyntaxProvider.ForAttributeWithMetadataName(
                "SpacetimeDB.TableAttribute",
                static (node, _) => node is TypeDeclarationSyntax,
                Parser.ParseTable)
            .WithTrackingName(TablesStep);
        var reducers = context.SyntaxProvider.ForAttributeWithMetadataName(
                "SpacetimeDB.ReducerAttribute",
                static (node, _) => node is MethodDeclarationSyntax,
                Parser.ParseReducer)
            .WithTrackingName(ReducersStep);
        var migrations = context.SyntaxProvider.ForAttributeWithMetadataName(
                "SpacetimeDB.MigrationAttribute",
                static (node, _) => node is MethodDeclarationSyntax,
                Parser.ParseMigration);
        var settings = context.SyntaxProvider.ForAttributeWithMetadataName(
                "SpacetimeDB.SettingsAttribute",
                static (node, _) => node is VariableDeclaratorSyntax,
                Parser.ParseSettings);

        context.RegisterSourceOutput(types, static (spc, type) =>
        {
            foreach (var d in type.Diagnostics)
                spc.ReportDiagnostic(d.ToDiagnostic());
            if (!type.Diagnostics.Any(d => TableBreaking.Contains(d.Id)) && Emitter.TypeSource(type, default) is { } source)
                spc.AddSource($"Type.{HintName(type.FullName)}.g.cs", source);
        });

        context.RegisterSourceOutput(tables, static (spc, table) =>
        {
            foreach (var d in table.Diagnostics)
                spc.ReportDiagnostic(d.ToDiagnostic());
            if (!table.Diagnostics.Any(d => TableBreaking.Contains(d.Id)) && Emitter.TypeSource(table.Row, table.Tables) is { } source)
                spc.AddSource($"Table.{HintName(table.Row.FullName)}.g.cs", source);
        });

        var filters = VisibilityFilters(context);
        var procedures = Procedures(context);
        var views = context.SyntaxProvider.ForAttributeWithMetadataName(
                "SpacetimeDB.ViewAttribute",
                static (node, _) => node is MethodDeclarationSyntax,
                ViewParser.Parse);

        // A migration is registered as a private reducer (one argument: the old row).
        var functions = reducers.Collect().Combine(migrations.Collect()).Select(static (x, _) => x.Left.AddRange(x.Right));
        var httpHandlers = HttpHandlers(context);
        var httpRouters = HttpRouters(context);

        var module = tables.Collect()
            .Combine(functions)
            .Combine(settings.Collect())
            .Combine(filters.Collect())
            .Combine(procedures.Collect())
            .Combine(views.Collect())
            .Combine(httpHandlers.Collect())
            .Combine(httpRouters.Collect())
            .Select(static (y, _) =>
            {
                var x = y.Left.Left;
                return new ModuleModel(
                    x.Left.Left.Left.Left.Left.ToEquatableArray(),
                    x.Left.Left.Left.Left.Right.ToEquatableArray(),
                    x.Left.Left.Left.Right.ToEquatableArray(),
                    x.Left.Left.Right.ToEquatableArray(),
                    x.Left.Right.ToEquatableArray())
                {
                    Views = x.Right.ToEquatableArray(),
                    HttpHandlers = y.Left.Right.ToEquatableArray(),
                    HttpRouters = y.Right.ToEquatableArray(),
                };
            })
            .WithTrackingName(ModuleStep);

        context.RegisterSourceOutput(module, static (spc, m) =>
        {
            // Every declaration is checked on its own: an invalid one gets its diagnostic and is left out,
            // and the rest of the module is still generated (so one error does not cascade into many).
            var valid = Validate(spc, m);
            if (m.Tables.Count > 0 || m.Reducers.Count > 0 || m.Procedures.Count > 0 || m.Views.Count > 0 || m.HttpHandlers.Count > 0)
            {
                spc.AddSource("Module.g.cs", Emitter.ModuleSource(valid));
            }
        });
    }

    /// <summary>Reports the module's diagnostics and returns the module without the declarations that cannot be generated.</summary>
    private static ModuleModel Validate(SourceProductionContext spc, ModuleModel m)
    {
        var rejected = new Rejected();
        foreach (var r in m.Reducers)
        {
            foreach (var d in r.Diagnostics)
                spc.ReportDiagnostic(d.ToDiagnostic());
            if (r.Diagnostics.Count > 0)
                rejected.Add(r);
        }
        foreach (var s in m.Settings)
        {
            foreach (var d in s.Diagnostics)
                spc.ReportDiagnostic(d.ToDiagnostic());
            if (s.Diagnostics.Count > 0)
                rejected.Add(s);
        }
        foreach (var s in m.Settings.Where(s => !rejected.Contains(s)).Skip(1))
        {
            spc.ReportDiagnostic(Diagnostic.Create(Diagnostics.DuplicateSettings, s.Location?.ToLocation(), s.FieldName));
            rejected.Add(s);
        }
        // A table's own diagnostics were reported with its type; only those that leave no usable row type reject it.
        foreach (var t in m.Tables.Where(t => t.Diagnostics.Any(d => TableBreaking.Contains(d.Id))))
            rejected.Add(t);
        var tables = m.Tables.Where(t => !rejected.Contains(t)).ToList();
        foreach (var group in tables.SelectMany(t => t.Tables).GroupBy(t => t.Accessor).Where(g => g.Count() > 1))
        {
            foreach (var t in group.Skip(1))
            {
                spc.ReportDiagnostic(Diagnostic.Create(Diagnostics.DuplicateExport, t.Location?.ToLocation(), "Table", group.Key));
                rejected.Add(t);
            }
        }
        foreach (var group in m.Reducers.Where(r => !rejected.Contains(r)).GroupBy(r => r.MethodName).Where(g => g.Count() > 1))
        {
            foreach (var r in group.Skip(1))
            {
                spc.ReportDiagnostic(Diagnostic.Create(Diagnostics.DuplicateExport, r.Location?.ToLocation(), "Reducer", group.Key));
                rejected.Add(r);
            }
        }
        foreach (var group in m.Reducers.Where(r => r.MigrationTable is not null && !rejected.Contains(r))
            .GroupBy(r => r.MigrationTable!).Where(g => g.Count() > 1))
        {
            foreach (var r in group.Skip(1))
            {
                spc.ReportDiagnostic(Diagnostic.Create(Diagnostics.DuplicateMigration, r.Location?.ToLocation(), group.Key,
                    string.Join(", ", group.Select(x => x.MethodName))));
                rejected.Add(r);
            }
        }
        foreach (var group in m.Reducers.Where(r => r.Kind != 0 && !rejected.Contains(r)).GroupBy(r => r.Kind).Where(g => g.Count() > 1))
        {
            foreach (var r in group.Skip(1))
            {
                spc.ReportDiagnostic(Diagnostic.Create(Diagnostics.DuplicateLifecycle, r.Location?.ToLocation(), r.MethodName, KindName(r.Kind)));
                rejected.Add(r);
            }
        }
        var reducers = m.Reducers.Where(r => !rejected.Contains(r)).ToEquatableArray();
        ReportVisibilityFilters(spc, m, rejected);
        ReportProcedures(spc, m, reducers, rejected);
        var valid = m with { Reducers = reducers, Settings = m.Settings.Where(s => !rejected.Contains(s)).ToEquatableArray() };
        valid = valid with
        {
            Tables = tables.Select(t => t with { Tables = t.Tables.Where(d => !rejected.Contains(d)).ToEquatableArray() }).ToEquatableArray(),
            Filters = m.Filters.Where(f => !rejected.Contains(f)).ToEquatableArray(),
            Procedures = m.Procedures.Where(p => !rejected.Contains(p)).ToEquatableArray(),
        };
        ReportViews(spc, valid, rejected);
        ReportHttpHandlers(spc, valid, rejected);
        return valid with
        {
            Views = m.Views.Where(v => !rejected.Contains(v)).ToEquatableArray(),
            HttpHandlers = m.HttpHandlers.Where(h => !rejected.Contains(h)).ToEquatableArray(),
            HttpRouters = m.HttpRouters.Where(r => !rejected.Contains(r)).ToEquatableArray(),
        };
    }

    /// <summary>Diagnostics after which a table's row type has no serializer or handle that compiles: the table is left out.</summary>
    private static readonly HashSet<string> TableBreaking = new(StringComparer.Ordinal)
    {
        "STDB0005", "STDB0006", "MRDN0003", "BSATN0004", "BSATN0006",
    };

    /// <summary>Declarations left out of the generated module, by reference (two equal models are still two declarations).</summary>
    private sealed class Rejected
    {
        private readonly HashSet<object> _items = new(ReferenceComparer.Instance);

        public void Add(object item) => _items.Add(item);

        public bool Contains(object item) => _items.Contains(item);

        private sealed class ReferenceComparer : IEqualityComparer<object>
        {
            public static readonly ReferenceComparer Instance = new();

            public new bool Equals(object? x, object? y) => ReferenceEquals(x, y);

            public int GetHashCode(object obj) => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj);
        }
    }

    // A view's own diagnostics, and two views (or a view and a table) sharing a name.
    private static void ReportViews(SourceProductionContext spc, ModuleModel m, Rejected rejected)
    {
        foreach (var v in m.Views)
        {
            foreach (var d in v.Diagnostics)
                spc.ReportDiagnostic(d.ToDiagnostic());
            if (v.Diagnostics.Count > 0)
                rejected.Add(v);
        }
        var tableNames = new HashSet<string>(m.Tables.SelectMany(t => t.Tables).Select(t => t.Accessor), StringComparer.Ordinal);
        foreach (var group in m.Views.Where(v => !rejected.Contains(v)).GroupBy(v => v.Accessor))
        {
            foreach (var v in group.Skip(tableNames.Contains(group.Key) ? 0 : 1))
            {
                spc.ReportDiagnostic(Diagnostic.Create(Diagnostics.DuplicateExport, v.Location?.ToLocation(), "View", group.Key));
                rejected.Add(v);
            }
        }
    }

    private static string KindName(int kind) => kind switch
    {
        1 => "Init",
        2 => "ClientConnected",
        3 => "ClientDisconnected",
        _ => "UserDefined",
    };

    private static string HintName(string fullName) =>
        fullName.Replace("global::", "").Replace('<', '_').Replace('>', '_').Replace(',', '_').Replace(' ', '_');
}
