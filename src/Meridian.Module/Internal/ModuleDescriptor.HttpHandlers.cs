namespace SpacetimeDB.Internal;

public sealed partial class ModuleDescriptor
{
    /// <summary>The HTTP handlers; a handler's id is its index here.</summary>
    public IReadOnlyList<HttpHandlerDescriptor> HttpHandlers { get; init; } = [];

    /// <summary>The routes of the module's router, in the order they were added.</summary>
    public IReadOnlyList<HttpRoute> HttpRoutes { get; init; } = [];

    /// <summary>The handler serving <paramref name="method"/> on <paramref name="path"/> (the first matching route), or null.</summary>
    public HttpHandlerDescriptor? MatchHttpRoute(string method, string path)
    {
        foreach (var route in HttpRoutes)
        {
            if (route.Path == path && (route.Method is null || string.Equals(route.Method, method, StringComparison.OrdinalIgnoreCase)))
            {
                foreach (var h in HttpHandlers)
                {
                    if (h.Name == route.HandlerFunction)
                        return h;
                }
            }
        }
        return null;
    }

    /// <summary>
    /// Runs HTTP handler <paramref name="handlerId"/> with <paramref name="host"/> bound on this thread.
    /// Exceptions propagate; the transactions it committed stay committed.
    /// </summary>
    public HttpResponse CallHttpHandler(IProcedureHost host, int handlerId, ProcedureCallInfo call, HttpRequest request)
    {
        if ((uint)handlerId >= (uint)HttpHandlers.Count)
            throw new ArgumentOutOfRangeException(nameof(handlerId), $"No HTTP handler with id {handlerId}; the module has {HttpHandlers.Count}.");
        using var scope = ModuleHost.EnterProcedure(host);
        return HttpHandlers[handlerId].Invoker(call, request);
    }
}
