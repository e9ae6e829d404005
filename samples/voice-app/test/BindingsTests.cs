using Meridian.Codegen;
using Meridian.Runtime.Modules;

namespace VoiceApp.Tests;

/// <summary>The bindings in app/Bindings are what `meridian generate --lang csharp` writes for module/v2.</summary>
public sealed class BindingsTests
{
    [Fact]
    public void Checked_in_bindings_match_meridian_generate()
    {
        var image = File.ReadAllBytes(Directory.EnumerateFiles(Path.Combine(Harness.SampleDirectory(), "module", "v2", "bin"), "HeycatData.dll",
            SearchOption.AllDirectories).OrderByDescending(File.GetLastWriteTimeUtc).First());
        Assert.Equal(ModuleImage.Hash(image), ModuleImage.Hash(ModuleImage.Bundled())); // the app ships the module the bindings are for
        using var module = LoadedModule.Load("heycat-data", image);
        var files = BindingsGenerator.Generate(module.Schema.Raw, BindingsLanguage.CSharp, new BindingsOptions { CSharpNamespace = "VoiceApp.Data" });
        var directory = Path.Combine(Harness.SampleDirectory(), "app", "Bindings");
        var checkedIn = Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(directory, p).Replace('\\', '/')).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(checkedIn, files.Select(f => f.Path).Order(StringComparer.Ordinal).ToList());
        foreach (var file in files)
        {
            Assert.True(File.ReadAllText(Path.Combine(directory, file.Path)) == file.Contents,
                $"app/Bindings/{file.Path} differs from what `meridian generate` writes: regenerate it (samples/voice-app/README.md, \"Bindings\").");
        }
    }
}
