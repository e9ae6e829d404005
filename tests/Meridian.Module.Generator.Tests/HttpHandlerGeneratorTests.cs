using Microsoft.CodeAnalysis;

namespace Meridian.Module.Generator.Tests;

/// <summary>[HttpHandler] and [HttpRouter] methods: diagnostics for invalid shapes, and a module with routes compiles.</summary>
public class HttpHandlerGeneratorTests
{
    private const string Usings = "using SpacetimeDB;\n";
    private const string Ok = "new(200, HttpVersion.Http11, new(), HttpBody.Empty)";

    [Theory]
    [InlineData("STDB0030", "public static partial class M { [HttpHandler] public static HttpResponse H(HandlerContext ctx) => " + Ok + "; }")]
    [InlineData("STDB0031", "public static partial class M { [HttpHandler] public static HttpResponse H(int ctx, HttpRequest r) => " + Ok + "; }")]
    [InlineData("STDB0032", "public static partial class M { [HttpHandler] public static HttpResponse H(HandlerContext ctx, string r) => " + Ok + "; }")]
    [InlineData("STDB0033", "public static partial class M { [HttpHandler] public static int H(HandlerContext ctx, HttpRequest r) => 0; }")]
    [InlineData(
        "STDB0034",
        "public static partial class M { [HttpHandler] public static HttpResponse OnHook(HandlerContext ctx, HttpRequest r) => " + Ok + "; }")]
    [InlineData("STDB0035", "public static partial class M { [HttpRouter] public static Router R(int x) => Router.New(); }")]
    [InlineData(
        "STDB0036",
        "public static partial class M { [HttpRouter] public static Router R() => Router.New(); [HttpRouter] public static Router S() => Router.New(); }")]
    [InlineData(
        "STDB0007",
        "public static partial class M { [HttpHandler] public static HttpResponse P(HandlerContext ctx, HttpRequest r) => " + Ok + "; "
            + "[Reducer] public static void P(ReducerContext ctx) { } }")]
    public void Invalid_handlers_and_routers_are_reported_at_their_declaration(string id, string source)
    {
        var (output, _, diagnostics) = GeneratorHarness.Run(Usings + source);
        var diagnostic = Assert.Single(diagnostics, d => d.Id == id);
        // Reported at the offending method (line 2: the source starts with the using line).
        Assert.Equal(1, diagnostic.Location.GetLineSpan().StartLinePosition.Line);
        // The invalid declaration is left out; the rest is generated without follow-on errors.
        Assert.Empty(GeneratorHarness.GeneratedErrors(output));
    }

    [Fact]
    public void A_module_with_handlers_and_a_router_compiles()
    {
        var (output, sources, diagnostics) = GeneratorHarness.Run(Usings + """
            [Table] public partial struct Item { [PrimaryKey, AutoInc] public ulong Id; public string Name; }
            public static partial class M
            {
                [HttpHandler]
                public static HttpResponse Add(HandlerContext ctx, HttpRequest request)
                {
                    var id = ctx.WithTx(tx => tx.Db.Item.Insert(new Item { Name = request.Body.ToStringUtf8Lossy() }).Id);
                    return new(201, HttpVersion.Http11, new(), HttpBody.FromString(id.ToString()));
                }

                [HttpHandler]
                public static HttpResponse get_simple(HandlerContext ctx, HttpRequest request) => new(200, HttpVersion.Http11, new(), HttpBody.Empty);

                [HttpRouter]
                public static Router router() => SpacetimeDB.Router.New().Post("/add", Handlers.Add).Get("/get", Handlers.get_simple);
            }
            """);
        Assert.Empty(diagnostics);
        Assert.Contains("builder.RegisterHttpRouter(global::M.router());", sources["Module.g.cs"], StringComparison.Ordinal);
        var errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }
}
