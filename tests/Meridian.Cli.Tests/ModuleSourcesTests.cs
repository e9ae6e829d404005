using Meridian.Cli.Build;

namespace Meridian.Cli.Tests;

public class ModuleSourcesTests
{
    private static DirectoryInfo Tree(params (string Path, string Text)[] files)
    {
        var root = Directory.CreateTempSubdirectory("meridian-sources-");
        foreach (var (path, text) in files)
        {
            var full = Path.Combine(root.FullName, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text);
        }
        return root;
    }

    private static List<string> Relative(DirectoryInfo root, string module) =>
        ModuleSources.Resolve(Path.Combine(root.FullName, module))!
            .Select(f => Path.GetRelativePath(Path.Combine(root.FullName, module), f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();

    [Fact]
    public void A_plain_project_changes_nothing_so_the_default_glob_applies()
    {
        var root = Tree(
            ("m/Lib.cs", ""),
            ("m/m.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\"><ItemGroup><PackageReference Include=\"X\" /></ItemGroup></Project>"));
        try
        {
            Assert.Null(ModuleSources.Resolve(Path.Combine(root.FullName, "m")));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public void Default_item_excludes_of_the_nearest_directory_build_props_and_compile_removes_and_includes_are_honoured()
    {
        // The shape of upstream's codegen fixtures: snapshots/*.verified.cs must not be compiled.
        var root = Tree(
            ("Directory.Build.props",
                "<Project><PropertyGroup><DefaultItemExcludes>$(DefaultItemExcludes);snapshots/**/*</DefaultItemExcludes></PropertyGroup></Project>"),
            ("shared/Extra.cs", ""),
            ("m/Lib.cs", ""),
            ("m/Old.cs", ""),
            ("m/Sub/Deep.cs", ""),
            ("m/snapshots/Module#FFI.verified.cs", ""),
            ("m/obj/Gen.cs", ""),
            ("m/m.csproj", """
                <Project Sdk="Microsoft.NET.Sdk">
                  <ItemGroup>
                    <Compile Remove="Old.cs" />
                    <Compile Include="../shared/*.cs" />
                    <Compile Include="never/*.cs" Condition="'$(X)' == '1'" />
                  </ItemGroup>
                </Project>
                """));
        try
        {
            Assert.Equal(["../shared/Extra.cs", "Lib.cs", "Sub/Deep.cs"], Relative(root, "m"));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public void Disabling_default_compile_items_compiles_only_the_listed_files()
    {
        var root = Tree(
            ("m/A.cs", ""),
            ("m/B.cs", ""),
            ("m/m.csproj", "<Project><PropertyGroup><EnableDefaultCompileItems>false</EnableDefaultCompileItems></PropertyGroup>"
                + "<ItemGroup><Compile Include=\"$(MSBuildProjectDirectory)/B.cs\" /></ItemGroup></Project>"));
        try
        {
            Assert.Equal(["B.cs"], Relative(root, "m"));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }
}
