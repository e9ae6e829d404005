using System.Diagnostics.CodeAnalysis;
using SpacetimeDB.Internal;

namespace SpacetimeDB;

/// <summary>A reference to an <see cref="HttpHandlerAttribute"/> method (the generated <c>Handlers</c> class holds one per handler).</summary>
/// <param name="FunctionName">The handler's method name.</param>
public readonly record struct Handler(string FunctionName);

/// <summary>
/// The HTTP routes of a module: each maps a method (or any method) and an exact path to a handler.
/// Immutable: every call returns a new router. Paths start with <c>/</c> and use only ASCII lowercase
/// letters, digits and <c>-_~/</c>; two routes of one path conflict unless their methods differ.
/// </summary>
[SuppressMessage("Naming", "CA1716", Justification = "Upstream's method names (Get, Delete, ...).")]
public sealed class Router
{
    private readonly List<HttpRoute> _routes;

    private Router(List<HttpRoute> routes) => _routes = routes;

    /// <summary>A router without routes.</summary>
    public static Router New() => new([]);

    /// <summary>Adds a GET route.</summary>
    public Router Get(string path, Handler handler) => With("GET", path, handler);

    /// <summary>Adds a HEAD route.</summary>
    public Router Head(string path, Handler handler) => With("HEAD", path, handler);

    /// <summary>Adds an OPTIONS route.</summary>
    public Router Options(string path, Handler handler) => With("OPTIONS", path, handler);

    /// <summary>Adds a PUT route.</summary>
    public Router Put(string path, Handler handler) => With("PUT", path, handler);

    /// <summary>Adds a DELETE route.</summary>
    public Router Delete(string path, Handler handler) => With("DELETE", path, handler);

    /// <summary>Adds a POST route.</summary>
    public Router Post(string path, Handler handler) => With("POST", path, handler);

    /// <summary>Adds a PATCH route.</summary>
    public Router Patch(string path, Handler handler) => With("PATCH", path, handler);

    /// <summary>Adds a route for every method.</summary>
    public Router Any(string path, Handler handler) => With(null, path, handler);

    /// <summary>Adds <paramref name="subRouter"/>'s routes under <paramref name="path"/>; no existing route may start with it.</summary>
    public Router Nest(string path, Router subRouter)
    {
        ArgumentNullException.ThrowIfNull(subRouter);
        CheckPath(path);
        if (_routes.Exists(r => r.Path.StartsWith(path, StringComparison.Ordinal)))
            throw new ArgumentException($"Cannot nest router at `{path}`; existing routes overlap with nested path", nameof(path));
        var routes = new List<HttpRoute>(_routes);
        foreach (var r in subRouter._routes)
            Add(routes, r with { Path = Join(path, r.Path) });
        return new Router(routes);
    }

    /// <summary>Adds all of <paramref name="otherRouter"/>'s routes.</summary>
    public Router Merge(Router otherRouter)
    {
        ArgumentNullException.ThrowIfNull(otherRouter);
        var routes = new List<HttpRoute>(_routes);
        foreach (var r in otherRouter._routes)
            Add(routes, r);
        return new Router(routes);
    }

    /// <summary>The routes, in the order they were added.</summary>
    internal IReadOnlyList<HttpRoute> Routes => _routes;

    private Router With(string? method, string path, Handler handler)
    {
        CheckPath(path);
        ArgumentException.ThrowIfNullOrEmpty(handler.FunctionName, nameof(handler));
        var routes = new List<HttpRoute>(_routes);
        Add(routes, new HttpRoute(method, path, handler.FunctionName));
        return new Router(routes);
    }

    private static void Add(List<HttpRoute> routes, HttpRoute route)
    {
        // Same path: a conflict unless both name a method and the methods differ.
        if (routes.Exists(r => r.Path == route.Path && (r.Method is null || route.Method is null || r.Method == route.Method)))
            throw new ArgumentException($"Route conflict for `{route.Path}`", nameof(route));
        routes.Add(route);
    }

    private static string Join(string prefix, string suffix) =>
        prefix == "/" ? suffix
        : suffix == "/" ? prefix
        : prefix.TrimEnd('/') + "/" + suffix.TrimStart('/');

    private static void CheckPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length > 0 && path[0] != '/')
            throw new ArgumentException($"Route paths must start with `/`: {path}", nameof(path));
        foreach (var c in path)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '~' or '/'))
                throw new ArgumentException($"Route paths may contain only ASCII lowercase letters, digits and `-_~/`: {path}", nameof(path));
        }
    }
}
