using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;

namespace Meridian.Architecture.Tests;

/// <summary>
/// Fails when a dependency points the wrong way (DESIGN.md: dependencies point down only): in the
/// project files, and in what each built assembly actually references — a project can reach a layer
/// it does not reference directly through a transitive reference, and only the compiled references
/// show whether it used one.
/// </summary>
public class LayeringTests
{
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["Meridian.Sats"] = [],
        ["Meridian.Module"] = ["Meridian.Sats"],
        ["Meridian.Module.Generator"] = [],
        ["Meridian.Storage"] = ["Meridian.Sats"],
        ["Meridian.Query"] = ["Meridian.Sats", "Meridian.Storage"],
        ["Meridian.Runtime"] = ["Meridian.Sats", "Meridian.Module", "Meridian.Storage", "Meridian.Query"],
        ["Meridian.Protocol"] = ["Meridian.Sats"],
        ["Meridian.Server"] = ["Meridian.Sats", "Meridian.Protocol", "Meridian.Runtime"],
        ["Meridian.Client"] = ["Meridian.Sats", "Meridian.Protocol"],
        ["Meridian.Codegen"] = ["Meridian.Sats"],
        // Hosting: the server and the client in one process. Nothing below may reference it.
        ["Meridian.Embedded"] = ["Meridian.Sats", "Meridian.Protocol", "Meridian.Runtime", "Meridian.Server", "Meridian.Client"],
        ["Meridian.Cli"] =
        [
            "Meridian.Server", "Meridian.Client", "Meridian.Codegen", "Meridian.Module", "Meridian.Module.Generator",
            "Meridian.Sats", "Meridian.Protocol", "Meridian.Runtime",
        ],
    };

    // The server side: the client SDK and codegen must never depend on any of it.
    private static readonly string[] ServerSide = ["Meridian.Server", "Meridian.Runtime", "Meridian.Storage", "Meridian.Query", "Meridian.Module"];

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Meridian.slnx")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException("Meridian.slnx not found above the test directory.");
    }

    // The configuration this test was built in (bin/<Configuration>/<tfm>/): the assemblies checked are from the same build.
    private static string Configuration => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    public static TheoryData<string> SourceProjects()
    {
        var data = new TheoryData<string>();
        foreach (var p in Directory.EnumerateFiles(Path.Combine(RepoRoot(), "src"), "*.csproj", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            data.Add(Path.GetFileNameWithoutExtension(p));
        return data;
    }

    /// <summary>The references of <paramref name="project"/> that its layer may not have.</summary>
    internal static List<string> Violations(string project, IEnumerable<string> references)
    {
        var allowed = Allowed.TryGetValue(project, out var a)
            ? a
            : throw new KeyNotFoundException($"{project} is not in the layering table: add it with the layers it may use.");
        return references.Where(r => r.StartsWith("Meridian.", StringComparison.Ordinal) && r != project && !allowed.Contains(r)).Distinct().ToList();
    }

    [Theory]
    [MemberData(nameof(SourceProjects))]
    public void Every_project_file_references_only_layers_below_it(string project)
    {
        var path = Path.Combine(RepoRoot(), "src", project, project + ".csproj");
        var references = XDocument.Load(path).Descendants("ProjectReference")
            .Where(r => r.Attribute("ReferenceOutputAssembly")?.Value != "false")
            .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/')));
        var wrong = Violations(project, references);
        Assert.True(
            wrong.Count == 0,
            $"{project}.csproj references {string.Join(", ", wrong)}, which it may not (allowed: {string.Join(", ", Allowed[project])}).");
    }

    [Theory]
    [MemberData(nameof(SourceProjects))]
    public void Every_built_assembly_references_only_layers_below_it(string project)
    {
        var bin = Path.Combine(RepoRoot(), "src", project, "bin", Configuration);
        var assemblies = Directory.Exists(bin)
            ? Directory.EnumerateFiles(bin, project + ".dll", SearchOption.AllDirectories)
                .Where(p => Path.GetFileName(Path.GetDirectoryName(p)!).StartsWith("net", StringComparison.Ordinal))
                .ToList()
            : [];
        Assert.True(assemblies.Count > 0, $"{project} has no built assembly under {bin}: build the solution in {Configuration} first.");
        foreach (var assembly in assemblies)
        {
            var wrong = Violations(project, ReferencedAssemblies(assembly));
            Assert.True(
                wrong.Count == 0,
                $"{assembly} references {string.Join(", ", wrong)}, which {project} may not use (allowed: {string.Join(", ", Allowed[project])}).");
        }
    }

    private static List<string> ReferencedAssemblies(string path)
    {
        using var pe = new PEReader(File.OpenRead(path));
        var metadata = pe.GetMetadataReader();
        return metadata.AssemblyReferences.Select(h => metadata.GetString(metadata.GetAssemblyReference(h).Name)).ToList();
    }

    [Fact]
    public void The_client_side_may_not_reach_the_server_side()
    {
        foreach (var client in new[] { "Meridian.Client", "Meridian.Codegen" })
        {
            var reachable = Reachable(client);
            Assert.True(
                !reachable.Overlaps(ServerSide), $"{client} can reach {string.Join(", ", reachable.Intersect(ServerSide))} through the layering table.");
        }
    }

    // Every layer a project may use, directly or through the layers it may use.
    private static HashSet<string> Reachable(string project)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>(Allowed[project]);
        while (stack.TryPop(out var next))
        {
            if (seen.Add(next))
            {
                foreach (var more in Allowed.GetValueOrDefault(next, []))
                    stack.Push(more);
            }
        }
        return seen;
    }

    [Fact]
    public void The_assembly_check_reads_the_references_the_compiler_recorded()
    {
        var server = Directory.EnumerateFiles(
            Path.Combine(RepoRoot(), "src", "Meridian.Server", "bin", Configuration), "Meridian.Server.dll", SearchOption.AllDirectories).First();
        var references = ReferencedAssemblies(server);
        Assert.Contains("Meridian.Runtime", references);
        Assert.Contains("Meridian.Protocol", references);
        // Reachable through Runtime's project reference, but not used by the server's own code.
        Assert.DoesNotContain("Meridian.Storage", references);
        Assert.DoesNotContain("Meridian.Query", references);
    }

    [Fact]
    public void The_checks_catch_a_reference_that_points_the_wrong_way()
    {
        Assert.Equal(["Meridian.Query"], Violations("Meridian.Storage", ["Meridian.Sats", "Meridian.Query", "System.Runtime"]));
        Assert.Equal(["Meridian.Storage"], Violations("Meridian.Server", ["Meridian.Runtime", "Meridian.Storage"]));
        Assert.Empty(Violations("Meridian.Runtime", ["Meridian.Query", "Meridian.Storage", "Microsoft.Extensions.Logging.Abstractions"]));
        Assert.Throws<KeyNotFoundException>(() => Violations("Meridian.Unknown", []));
    }
}
