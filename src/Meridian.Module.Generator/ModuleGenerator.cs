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
            if (type.Diagnostics.Count == 0 && Emitter.TypeSource(type, default) is { } source)
                spc.AddSource($"Type.{HintName(type.FullName)}.g.cs", source);
        });

        context.RegisterSourceOutput(tables, static (spc, table) =>
        {
            foreach (var d in table.Diagnostics)
                spc.ReportDiagnostic(d.ToDiagnostic());
            if (table.Diagnostics.Count == 0 && Emitter.TypeSource(table.Row, table.Tables) is { } source)
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
            var ok = true;
            foreach (var r in m.Reducers)
            {
                foreach (var d in r.Diagnostics)
                    spc.ReportDiagnostic(d.ToDiagnostic());
                ok &= r.Diagnostics.Count == 0;
            }
            foreach (var s in m.Settings)
            {
                foreach (var d in s.Diagnostics)
                    spc.ReportDiagnostic(d.ToDiagnostic());
                ok &= s.Diagnostics.Count == 0;
            }
            foreach (var s in m.Settings.Skip(1))
            {
                spc.ReportDiagnostic(Diagnostic.Create(Diagnostics.DuplicateSettings, s.Location?.ToLocation(), s.FieldName));
                ok = false;
            }
            foreach (var group in m.Tables.SelectMany(t => t.Tables).GroupBy(t => t.Accessor).Where(g => g.Count() > 1))
            {
                foreach (var t in group.Skip(1))
                    spc.ReportDiagnostic(Diagnostic.Create(Diagnostics.DuplicateExport, t.Location?.ToLocation(), "Table", group.Key));
                ok = false;
            }
            foreach (var group in m.Reducers.GroupBy(r => r.MethodName).Where(g => g.Count() > 1))
            {
                foreach (var r in group.Skip(1))
                    spc.ReportDiagnostic(Diagnostic.Create(Diagnostics.DuplicateExport, r.Location?.ToLocation(), "Reducer", group.Key));
                ok = false;
            }
            foreach (var group in m.Reducers.Where(r => r.MigrationTable is not null).GroupBy(r => r.MigrationTable!).Where(g => g.Count() > 1))
            {
                foreach (var r in group.Skip(1))
                {
                    spc.ReportDiagnostic(Diagnostic.Create(Diagnostics.DuplicateMigration, r.Location?.ToLocation(), group.Key,
                        string.Join(", ", group.Select(x => x.MethodName))));
                }
                ok = false;
            }
            foreach (var group in m.Reducers.Where(r => r.Kind != 0).GroupBy(r => r.Kind).Where(g => g.Count() > 1))
            {
                foreach (var r in group.Skip(1))
                    spc.ReportDiagnostic(Diagnostic.Create(Diagnostics.DuplicateLifecycle, r.Location?.ToLocation(), r.MethodName, KindName(r.Kind)));
                ok = false;
            }
            ok &= ReportVisibilityFilters(spc, m);
            ok &= ReportProcedures(spc, m);
            ok &= m.Tables.All(t => t.Diagnostics.Count == 0);
            ok &= ReportViews(spc, m);
            ok &= ReportHttpHandlers(spc, m);
            if (ok && (m.Tables.Count > 0 || m.Reducers.Count > 0 || m.Procedures.Count > 0 || m.Views.Count > 0 || m.HttpHandlers.Count > 0))
                spc.AddSource("Module.g.cs", Emitter.ModuleSource(m));
        });
    }

    // A view's own diagnostics, and two views (or a view and a table) sharing a name.
    private static bool ReportViews(SourceProductionContext spc, ModuleModel m)
    {
        var ok = true;
        foreach (var v in m.Views)
        {
            foreach (var d in v.Diagnostics)
                spc.ReportDiagnostic(d.ToDiagnostic());
            ok &= v.Diagnostics.Count == 0;
        }
        var tableNames = new HashSet<string>(m.Tables.SelectMany(t => t.Tables).Select(t => t.Accessor), StringComparer.Ordinal);
        foreach (var group in m.Views.GroupBy(v => v.Accessor))
        {
            foreach (var v in group.Skip(tableNames.Contains(group.Key) ? 0 : 1))
            {
                spc.ReportDiagnostic(Diagnostic.Create(Diagnostics.DuplicateExport, v.Location?.ToLocation(), "View", group.Key));
                ok = false;
            }
        }
        return ok;
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
