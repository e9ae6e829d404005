namespace SpacetimeDB;

/// <summary>
/// Marks a static method <c>HttpResponse Name(HandlerContext ctx, HttpRequest request)</c> as an HTTP
/// handler. It is reachable only through a route of the module's <see cref="HttpRouterAttribute"/>
/// router, under <c>/v1/database/:name/route/...</c>; <c>Handlers.Name</c> refers to it.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class HttpHandlerAttribute : Attribute;

/// <summary>Marks the one static method <c>Router Name()</c> that gives the module's HTTP routes.</summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class HttpRouterAttribute : Attribute;
