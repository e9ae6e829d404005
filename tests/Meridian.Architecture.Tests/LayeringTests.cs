using System.Xml.Linq;

namespace Meridian.Architecture.Tests;

/// <summary>Fails when a project reference points the wrong way (DESIGN.md: dependencies point down only).</summary>
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
        ["Meridian.Cli"] = ["Meridian.Server", "Meridian.Client", "Meridian.Codegen", "Meridian.Module", "Meridian.Module.Generator"],
    };

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Meridian.slnx")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException("Meridian.slnx not found above the test directory.");
    }

    public static TheoryData<string> SourceProjects()
    {
        var data = new TheoryData<string>();
        foreach (var p in Directory.EnumerateFiles(Path.Combine(RepoRoot(), "src"), "*.csproj", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            data.Add(Path.GetFileNameWithoutExtension(p));
        return data;
    }

    [Theory]
    [MemberData(nameof(SourceProjects))]
    public void Every_source_project_references_only_layers_below_it(string project)
    {
        Assert.True(Allowed.TryGetValue(project, out var allowed), $"{project} is not in the layering table: add it with the layers it may use.");
        var path = Path.Combine(RepoRoot(), "src", project, project + ".csproj");
        var references = XDocument.Load(path).Descendants("ProjectReference")
            .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/')))
            .ToList();
        var wrong = references.Where(r => !allowed.Contains(r)).ToList();
        Assert.True(wrong.Count == 0, $"{project} references {string.Join(", ", wrong)}, which it may not (allowed: {string.Join(", ", allowed)}).");
    }

    [Fact]
    public void The_client_never_references_the_server_side()
    {
        foreach (var forbidden in new[] { "Meridian.Server", "Meridian.Runtime", "Meridian.Storage", "Meridian.Query" })
            Assert.DoesNotContain(forbidden, Allowed["Meridian.Client"]);
    }
}
