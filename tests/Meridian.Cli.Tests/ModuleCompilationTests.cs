using System.Runtime.Loader;
using Meridian.Cli.Build;
using SpacetimeDB.Internal;

namespace Meridian.Cli.Tests;

/// <summary>
/// Real compilations through <c>meridian publish</c>'s generated project (each takes seconds, so
/// there are few): the repository's chat sample, an upstream-style module directory whose csproj
/// cannot build here, and a module with a compile error.
/// </summary>
public sealed class ModuleCompilationTests : IAsyncLifetime, IDisposable
{
    private const string Success = """
        {"Success": {"domain": "m", "database_identity": "c200000000000000000000000000000000000000000000000000000000000001", "op": "created"}}
        """;

    private readonly CliRun _cli = new();
    private readonly List<string> _temporaryDirectories = [];
    private FakeServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeServer.StartAsync();
        _cli.BuildRoot = PoisonedBuildRoot();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose()
    {
        _cli.Dispose();
        foreach (var directory in _temporaryDirectories)
            Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task Publishes_samples_chat_as_a_module_assembly_with_the_generated_entry_point()
    {
        _server.On("PUT", "/v1/database/chat", 200, Success, "application/json");
        var chat = Path.Combine(RepositoryRoot(), "samples", "chat");

        var result = await _cli.RunAsync("publish", "-p", chat, "-s", _server.Url, "--yes", "chat");

        Assert.True(result.ExitCode == 0, result.Error);
        // Progress while dotnet build runs, in order (with "Still compiling… N s" lines between when it is slow).
        var lines = result.Error.Split('\n');
        var stages = new[] { $"Compiling module in {chat}…", BuildProgress.RestoringLine, BuildProgress.CompilingLine, "Compiled Chat.dll" }
            .Select(s => Array.FindIndex(lines, l => l.StartsWith(s, StringComparison.Ordinal)))
            .ToArray();
        Assert.True(stages.All(i => i >= 0) && stages.SequenceEqual(stages.Order()), result.Error);
        Assert.All(lines[(stages[0] + 1)..stages[3]], l => Assert.Matches(@"^(Restoring|Compiling C#|Still (restoring|compiling)… \d+ s)", l));
        var upload = Assert.Single(_server.ApiRequests, r => r.Method == "PUT");
        Assert.Equal("application/octet-stream", upload.ContentType);
        Assert.Equal(["Message", "User"], TableSourceNames(upload.Body));
        // Log calls name their file relative to the module directory (what `meridian logs` shows), not the absolute build path.
        var strings = System.Text.Encoding.Unicode.GetString(upload.Body);
        Assert.Contains($".{Path.DirectorySeparatorChar}Lib.cs", strings, StringComparison.Ordinal);
        Assert.DoesNotContain(Path.Combine(chat, "Lib.cs"), strings, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compiles_an_upstream_module_directory_ignoring_its_csproj_and_leaves_it_untouched()
    {
        var module = TemporaryDirectory("meridian-upstream-module-");
        File.WriteAllText(Path.Combine(module, "StdbModule.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net8.0</TargetFramework>
                <RuntimeIdentifier>wasi-wasm</RuntimeIdentifier>
                <OutputType>Exe</OutputType>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="SpacetimeDB.Runtime" Version="9.9.9-does-not-exist" />
              </ItemGroup>
            </Project>
            """);
        // Were the module directory's build files imported, the build would fail.
        File.WriteAllText(Path.Combine(module, "Directory.Build.props"), """
            <Project>
              <Target Name="MustNotBeImported" BeforeTargets="CoreCompile">
                <Error Text="the module directory's Directory.Build.props was imported" />
              </Target>
            </Project>
            """);
        File.WriteAllText(Path.Combine(module, "Lib.cs"), """
            using SpacetimeDB;

            public static partial class Module
            {
                [Table(Accessor = "Person", Public = true)]
                public partial struct Person
                {
                    [PrimaryKey]
                    [AutoInc]
                    public ulong Id;
                    public string Name;
                    public int Age;
                }

                [Reducer]
                public static void Add(ReducerContext ctx, string name, int age)
                {
                    var person = ctx.Db.Person.Insert(new Person { Id = 0, Name = name, Age = age });
                    Log.Info($"Inserted {person.Name} under #{person.Id}");
                }

                [Reducer]
                public static void SayHello(ReducerContext ctx)
                {
                    foreach (var person in ctx.Db.Person.Iter())
                    {
                        Log.Info($"Hello, {person.Name}!");
                    }
                    Log.Info("Hello, World!");
                }
            }
            """);
        // Leftovers of an earlier wasm build must not be compiled in.
        Directory.CreateDirectory(Path.Combine(module, "obj", "Release"));
        File.WriteAllText(Path.Combine(module, "obj", "Release", "Stale.cs"), "this is not C#");
        var before = Snapshot(module);
        _server.On("PUT", "/v1/database/people", 200, Success, "application/json");

        var result = await _cli.RunAsync("publish", "--project-path", module, "-s", _server.Url, "people");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("Compiled StdbModule.dll", result.Error);
        Assert.Equal(["Person"], TableSourceNames(Assert.Single(_server.ApiRequests, r => r.Method == "PUT").Body));
        Assert.Equal(before, Snapshot(module));
    }

    [Fact]
    public async Task Compile_errors_are_shown_relative_to_the_module_and_nothing_is_published()
    {
        var module = TemporaryDirectory("meridian-broken-module-");
        Directory.CreateDirectory(Path.Combine(module, "Tables"));
        File.WriteAllText(Path.Combine(module, "Tables", "Broken.cs"), """
            public static class Broken
            {
                public static int Answer() => "forty-two";
            }
            """);

        var result = await _cli.RunAsync("publish", "-p", module, "-s", _server.Url, "broken");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"Tables{Path.DirectorySeparatorChar}Broken.cs:3:35: error CS0029: Cannot implicitly convert type 'string' to 'int'", result.Error);
        Assert.Contains("does not compile (1 error); nothing was published.", result.Error);
        Assert.Empty(_server.Requests);
    }

    /// <summary>
    /// A build root below directory build files that fail any build importing them: the generated
    /// projects must not inherit the build policy of whatever encloses them (a repository, say).
    /// </summary>
    private string PoisonedBuildRoot()
    {
        var enclosing = TemporaryDirectory("meridian-cli-builds-");
        foreach (var file in (string[])["Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props"])
        {
            File.WriteAllText(Path.Combine(enclosing, file), $$"""
                <Project>
                  <PropertyGroup>
                    <ManagePackageVersionsCentrally>true</ManagePackageVersionsCentrally>
                  </PropertyGroup>
                  <Target Name="Poison{{file.Replace(".", "", StringComparison.Ordinal)}}" BeforeTargets="CoreCompile">
                    <Error Text="{{file}} above the build root was imported" />
                  </Target>
                </Project>
                """);
        }
        return Path.Combine(enclosing, "builds");
    }

    private static List<string> TableSourceNames(byte[] assembly)
    {
        var context = new AssemblyLoadContext("meridian-cli-test-module", isCollectible: true);
        try
        {
            var module = context.LoadFromStream(new MemoryStream(assembly));
            var descriptor = ModuleDescriptor.Load(module);
            return descriptor.Definition.V10.Tables!.Select(t => t.SourceName).Order(StringComparer.Ordinal).ToList();
        }
        finally
        {
            context.Unload();
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Meridian.slnx")))
                return directory.FullName;
        }
        throw new InvalidOperationException($"No Meridian.slnx above {AppContext.BaseDirectory}.");
    }

    private string TemporaryDirectory(string prefix)
    {
        var directory = Directory.CreateTempSubdirectory(prefix).FullName;
        _temporaryDirectories.Add(directory);
        return directory;
    }

    private static List<string> Snapshot(string directory) =>
        Directory.EnumerateFileSystemEntries(directory, "*", SearchOption.AllDirectories)
            .Select(p => $"{Path.GetRelativePath(directory, p)} {(File.Exists(p) ? new FileInfo(p).Length + " " + File.GetLastWriteTimeUtc(p).Ticks : "dir")}")
            .Order(StringComparer.Ordinal)
            .ToList();
}
