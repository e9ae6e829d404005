using SpacetimeDB;
using SpacetimeDB.Internal;

namespace Meridian.Module.Tests;

public class RouterTests
{
    private static readonly Handler A = new("a");
    private static readonly Handler B = new("b");

    private static HttpResponse Ok(ProcedureCallInfo call, HttpRequest request) => new(200, HttpVersion.Http11, [], HttpBody.Empty);

    private static ModuleDescriptor Describe(Router router)
    {
        var builder = new ModuleBuilder();
        builder.RegisterHttpHandler("a", Ok);
        builder.RegisterHttpHandler("b", Ok);
        builder.RegisterHttpRouter(router);
        return builder.Build();
    }

    [Fact]
    public void Routes_match_by_exact_path_and_method_and_any_matches_every_method()
    {
        var module = Describe(Router.New().Get("/x", A).Post("/x", B).Any("/y", A).Nest("/n", Router.New().Get("/", B).Get("/z", A)));

        Assert.Equal("a", module.MatchHttpRoute("GET", "/x")?.Name);
        Assert.Equal("b", module.MatchHttpRoute("POST", "/x")?.Name);
        Assert.Null(module.MatchHttpRoute("PUT", "/x"));
        Assert.Null(module.MatchHttpRoute("GET", "/x/"));
        Assert.Equal("a", module.MatchHttpRoute("DELETE", "/y")?.Name);
        Assert.Equal("b", module.MatchHttpRoute("GET", "/n")?.Name);
        Assert.Equal("a", module.MatchHttpRoute("GET", "/n/z")?.Name);
        Assert.Null(module.MatchHttpRoute("GET", "/z"));
    }

    [Fact]
    public void Conflicting_routes_and_bad_paths_are_refused_and_the_router_is_unchanged()
    {
        var router = Router.New().Get("/x", A);
        Assert.Contains("Route conflict for `/x`", Assert.Throws<ArgumentException>(() => router.Get("/x", B)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => router.Any("/x", B));
        Assert.Throws<ArgumentException>(() => Router.New().Any("/x", A).Post("/x", B));
        Assert.Contains("must start with `/`", Assert.Throws<ArgumentException>(() => router.Get("x", B)).Message, StringComparison.Ordinal);
        Assert.Contains("lowercase", Assert.Throws<ArgumentException>(() => router.Get("/Upper", B)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => router.Nest("/x", Router.New().Get("/y", B)));
        Assert.Throws<ArgumentException>(() => router.Merge(Router.New().Get("/x", B)));

        var module = Describe(router.Merge(Router.New().Post("/x", B)));
        Assert.Equal("a", module.MatchHttpRoute("GET", "/x")?.Name);
        Assert.Equal("b", module.MatchHttpRoute("POST", "/x")?.Name);
    }

    [Fact]
    public void A_route_naming_a_function_that_is_not_a_handler_fails_the_module()
    {
        var builder = new ModuleBuilder();
        builder.RegisterHttpHandler("a", Ok);
        var e = Assert.Throws<InvalidOperationException>(() => builder.RegisterHttpRouter(Router.New().Get("/x", new Handler("missing"))));
        Assert.Contains("`missing`, which is not an [HttpHandler] method", e.Message, StringComparison.Ordinal);
    }
}
