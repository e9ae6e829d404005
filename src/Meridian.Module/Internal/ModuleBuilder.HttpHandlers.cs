namespace SpacetimeDB.Internal;

/// <summary>Runs one HTTP handler with a context built from <paramref name="call"/>.</summary>
public delegate HttpResponse HttpHandlerInvoker(ProcedureCallInfo call, HttpRequest request);

/// <summary>One HTTP handler of a module.</summary>
/// <param name="Id">Its position in <see cref="ModuleDescriptor.HttpHandlers"/>.</param>
/// <param name="Name">Its method name (what routes refer to).</param>
/// <param name="Invoker">Runs it.</param>
public sealed record HttpHandlerDescriptor(int Id, string Name, HttpHandlerInvoker Invoker);

/// <summary>One route: a method (null for any) and an exact path, served by a handler.</summary>
/// <param name="Method">The upper-case method name, or null for every method.</param>
/// <param name="Path">The path below <c>/route</c> (empty for <c>/route</c> itself).</param>
/// <param name="HandlerFunction">The handler's method name.</param>
public readonly record struct HttpRoute(string? Method, string Path, string HandlerFunction);

public sealed partial class ModuleBuilder
{
    private readonly List<HttpHandlerDescriptor> _httpHandlers = [];
    private Router? _router;

    /// <summary>Registers an HTTP handler; its id is its registration position.</summary>
    public void RegisterHttpHandler(string name, HttpHandlerInvoker invoker) =>
        _httpHandlers.Add(new HttpHandlerDescriptor(_httpHandlers.Count, name, invoker));

    /// <summary>Registers the module's router (the result of its <c>[HttpRouter]</c> method).</summary>
    /// <exception cref="InvalidOperationException">A route names a function that is not an HTTP handler.</exception>
    public void RegisterHttpRouter(Router router)
    {
        ArgumentNullException.ThrowIfNull(router);
        foreach (var route in router.Routes)
        {
            if (!_httpHandlers.Exists(h => h.Name == route.HandlerFunction))
            {
                throw new InvalidOperationException(
                    $"The route {route.Method ?? "ANY"} `{route.Path}` names `{route.HandlerFunction}`, which is not an [HttpHandler] method.");
            }
        }
        _router = router;
    }

    private IReadOnlyList<HttpRoute> HttpRoutes => _router?.Routes ?? [];
}
