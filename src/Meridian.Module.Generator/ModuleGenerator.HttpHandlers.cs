using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Meridian.Module.Generator;

/// <summary>An <c>[HttpHandler]</c> method.</summary>
internal sealed record HttpHandlerModel(
    string MethodName,
    string ContainingType,
    LocationInfo? Location,
    EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>An <c>[HttpRouter]</c> method.</summary>
internal sealed record HttpRouterModel(
    string MethodName,
    string ContainingType,
    LocationInfo? Location,
    EquatableArray<DiagnosticInfo> Diagnostics);

internal static partial class Diagnostics
{
    public static readonly DiagnosticDescriptor HttpHandlerSignature = Error(
        "STDB0030",
        "HTTP handlers must be static non-generic methods with exactly two parameters",
        "HTTP handler method {0} must be static, non-generic and take exactly two parameters (HandlerContext ctx, HttpRequest request)",
        "SpacetimeDB");

    public static readonly DiagnosticDescriptor HttpHandlerContextParam = Error(
        "STDB0031",
        "HTTP handlers must have a first argument of type HandlerContext",
        "HTTP handler method {0} does not have a HandlerContext parameter",
        "SpacetimeDB");

    public static readonly DiagnosticDescriptor HttpHandlerRequestParam = Error(
        "STDB0032",
        "HTTP handlers must have a second argument of type HttpRequest",
        "HTTP handler method {0} does not have an HttpRequest parameter",
        "SpacetimeDB");

    public static readonly DiagnosticDescriptor HttpHandlerReturnType = Error(
        "STDB0033",
        "HTTP handlers must return HttpResponse",
        "HTTP handler method {0} returns {1} instead of HttpResponse",
        "SpacetimeDB");

    public static readonly DiagnosticDescriptor HttpHandlerReservedPrefix = Error(
        "STDB0034",
        "HTTP handler method has a reserved name prefix",
        "HTTP handler method {0} starts with '{1}', which is a reserved prefix",
        "SpacetimeDB");

    public static readonly DiagnosticDescriptor HttpRouterSignature = Error(
        "STDB0035",
        "HTTP routers must be static parameterless methods returning Router",
        "HTTP router method {0} must be static, parameterless, and return Router",
        "SpacetimeDB");

    public static readonly DiagnosticDescriptor DuplicateHttpRouters = Error(
        "STDB0036",
        "Multiple [SpacetimeDB.HttpRouter] declarations",
        "[SpacetimeDB.HttpRouter] is declared more than once: {0} (a module has one router; merge them with Router.Merge)",
        "SpacetimeDB");
}

// HTTP handlers: [HttpHandler] methods reached through the one [HttpRouter] method's routes.
public sealed partial class ModuleGenerator
{
    private static IncrementalValuesProvider<HttpHandlerModel> HttpHandlers(IncrementalGeneratorInitializationContext context) =>
        context.SyntaxProvider.ForAttributeWithMetadataName(
            "SpacetimeDB.HttpHandlerAttribute",
            static (node, _) => node is MethodDeclarationSyntax,
            static (ctx, _) => ParseHttpHandler((IMethodSymbol)ctx.TargetSymbol));

    private static IncrementalValuesProvider<HttpRouterModel> HttpRouters(IncrementalGeneratorInitializationContext context) =>
        context.SyntaxProvider.ForAttributeWithMetadataName(
            "SpacetimeDB.HttpRouterAttribute",
            static (node, _) => node is MethodDeclarationSyntax,
            static (ctx, _) => ParseHttpRouter((IMethodSymbol)ctx.TargetSymbol));

    private static HttpHandlerModel ParseHttpHandler(IMethodSymbol method)
    {
        var location = method.Locations.FirstOrDefault();
        var diagnostics = new List<DiagnosticInfo>();
        if (!method.IsStatic || method.Arity != 0 || method.Parameters.Length != 2)
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.HttpHandlerSignature, location, method.Name));
        if (method.Parameters.Length < 1 || !IsSpacetimeType(method.Parameters[0].Type, "HandlerContext"))
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.HttpHandlerContextParam, location, method.Name));
        if (method.Parameters.Length < 2 || !IsSpacetimeType(method.Parameters[1].Type, "HttpRequest"))
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.HttpHandlerRequestParam, location, method.Name));
        if (!IsSpacetimeType(method.ReturnType, "HttpResponse"))
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.HttpHandlerReturnType, location, method.Name, method.ReturnType.ToDisplayString()));
        foreach (var prefix in new[] { "__", "on", "On" })
        {
            if (method.Name.StartsWith(prefix, StringComparison.Ordinal))
            {
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.HttpHandlerReservedPrefix, location, method.Name, prefix));
                break;
            }
        }
        return new HttpHandlerModel(
            method.Name,
            method.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            LocationInfo.From(location),
            diagnostics.ToEquatableArray());
    }

    private static HttpRouterModel ParseHttpRouter(IMethodSymbol method)
    {
        var location = method.Locations.FirstOrDefault();
        var diagnostics = new List<DiagnosticInfo>();
        if (!method.IsStatic || method.Arity != 0 || method.Parameters.Length != 0 || !IsSpacetimeType(method.ReturnType, "Router"))
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.HttpRouterSignature, location, method.Name));
        return new HttpRouterModel(
            method.Name,
            method.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            LocationInfo.From(location),
            diagnostics.ToEquatableArray());
    }

    // The generated HandlerContext is an error type while generating, so it is matched by name too.
    private static bool IsSpacetimeType(ITypeSymbol type, string name) =>
        type.Name == name && (type.TypeKind == TypeKind.Error || type.ContainingNamespace?.ToDisplayString() == "SpacetimeDB");

    /// <summary>Reports the handlers' and routers' diagnostics; rejects the invalid ones (and every router after the first).</summary>
    private static void ReportHttpHandlers(SourceProductionContext spc, ModuleModel module, Rejected rejected)
    {
        foreach (var h in module.HttpHandlers)
        {
            foreach (var d in h.Diagnostics)
                spc.ReportDiagnostic(d.ToDiagnostic());
            if (h.Diagnostics.Count > 0)
                rejected.Add(h);
        }
        foreach (var r in module.HttpRouters)
        {
            foreach (var d in r.Diagnostics)
                spc.ReportDiagnostic(d.ToDiagnostic());
            if (r.Diagnostics.Count > 0)
                rejected.Add(r);
        }
        if (module.HttpRouters.Count > 1)
        {
            var names = string.Join(", ", module.HttpRouters.Select(r => r.ContainingType.Replace("global::", "") + "." + r.MethodName));
            foreach (var r in module.HttpRouters.Skip(1))
            {
                spc.ReportDiagnostic(Diagnostic.Create(Diagnostics.DuplicateHttpRouters, r.Location?.ToLocation(), names));
                rejected.Add(r);
            }
        }
        var functions = new HashSet<string>(
            module.Reducers.Select(r => r.MethodName).Concat(module.Procedures.Select(p => p.MethodName)), StringComparer.Ordinal);
        foreach (var group in module.HttpHandlers.Where(h => !rejected.Contains(h)).GroupBy(h => h.MethodName))
        {
            foreach (var h in group.Skip(functions.Contains(group.Key) ? 0 : 1))
            {
                spc.ReportDiagnostic(Diagnostic.Create(Diagnostics.DuplicateExport, h.Location?.ToLocation(), "HttpHandler", group.Key));
                rejected.Add(h);
            }
        }
    }
}

internal static partial class Emitter
{
    private static readonly string HandlerContextSource = OutsideTxContextSource(
        "HandlerContext", "What an HTTP handler receives: the time, HTTP, and transactions on demand",
        "HandlerTxContext", "The <c>tx</c> of a handler's transaction body", "HandlerContextBase", "HandlerTxContextBase", exposesDb: false);

    private static void HandlersClass(StringBuilder sb, ModuleModel module)
    {
        if (module.HttpHandlers.Count == 0)
            return;
        sb.Append("    /// <summary>The module's HTTP handlers, for its router (generated).</summary>\n");
        sb.Append("    public static class Handlers\n    {\n");
        foreach (var h in module.HttpHandlers.OrderBy(h => h.MethodName, StringComparer.Ordinal))
        {
            sb.Append($"        /// <summary>The <c>{h.MethodName}</c> handler.</summary>\n");
            sb.Append($"        public static readonly global::SpacetimeDB.Handler {Id(h.MethodName)} = new({Lit(h.MethodName)});\n");
        }
        sb.Append("    }\n\n");
    }

    private static void HttpHandlerRegistrations(StringBuilder sb, ModuleModel module)
    {
        foreach (var h in module.HttpHandlers.OrderBy(h => h.MethodName, StringComparer.Ordinal))
            sb.Append($"            builder.RegisterHttpHandler({Lit(h.MethodName)}, InvokeHttpHandler_{h.MethodName});\n");
        foreach (var r in module.HttpRouters.Take(1))
            sb.Append($"            builder.RegisterHttpRouter({r.ContainingType}.{Id(r.MethodName)}());\n");
    }

    private static void HttpHandlerInvokers(StringBuilder sb, ModuleModel module)
    {
        foreach (var h in module.HttpHandlers.OrderBy(h => h.MethodName, StringComparer.Ordinal))
        {
            sb.Append($"\n        private static global::SpacetimeDB.HttpResponse InvokeHttpHandler_{h.MethodName}(");
            sb.Append("global::SpacetimeDB.Internal.ProcedureCallInfo call, global::SpacetimeDB.HttpRequest request) =>\n");
            sb.Append($"            {h.ContainingType}.{Id(h.MethodName)}(new global::SpacetimeDB.HandlerContext(call), request);\n");
        }
    }
}
