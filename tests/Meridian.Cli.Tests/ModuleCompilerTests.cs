using Meridian.Cli.Build;

namespace Meridian.Cli.Tests;

public class ModuleCompilerTests
{
    private const string Module = "/home/me/chat";

    [Fact]
    public void Errors_are_parsed_made_relative_and_deduplicated()
    {
        string[] output =
        [
            "  Determining projects to restore...",
            "/home/me/chat/Lib.cs(12,5): error CS1002: ; expected [/tmp/meridian-build/abc/Chat.csproj]",
            "/home/me/chat/Tables/User.cs(3,35): error CS0029: Cannot implicitly convert type 'string' to 'int' [/tmp/meridian-build/abc/Chat.csproj]",
            "/home/me/chat/Lib.cs(12,5): error CS1002: ; expected [/tmp/meridian-build/abc/Chat.csproj]",
            "/home/me/chat/Lib.cs(20,9): warning CS0168: The variable 'x' is declared but never used [/tmp/meridian-build/abc/Chat.csproj]",
            "/home/me/chat/Lib.cs(7,1,7,20): error STDB0001: Table row types must be partial [/tmp/meridian-build/abc/Chat.csproj]",
            "/home/me/other/Shared.cs(1,1): error CS0246: The type or namespace name 'Foo' could not be found [/tmp/x.csproj]",
            "CSC : error CS2001: Source file 'x.cs' could not be found. [/tmp/x.csproj]",
        ];

        var errors = ModuleCompiler.ParseErrors(output, Module);

        var sep = Path.DirectorySeparatorChar;
        Assert.Equal(
            [
                "Lib.cs:12:5: error CS1002: ; expected",
                $"Tables{sep}User.cs:3:35: error CS0029: Cannot implicitly convert type 'string' to 'int'",
                "Lib.cs:7:1: error STDB0001: Table row types must be partial",
                "/home/me/other/Shared.cs:1:1: error CS0246: The type or namespace name 'Foo' could not be found",
                "error CS2001: Source file 'x.cs' could not be found.",
            ],
            errors);
    }

    [Fact]
    public void Output_without_errors_parses_to_nothing() =>
        Assert.Empty(ModuleCompiler.ParseErrors(["Build succeeded.", "    0 Warning(s)", "    0 Error(s)"], Module));

    [Fact]
    public void Assembly_is_named_after_the_only_csproj_else_the_directory()
    {
        var root = Directory.CreateTempSubdirectory("meridian-name-");
        try
        {
            var withProject = root.CreateSubdirectory("server");
            File.WriteAllText(Path.Combine(withProject.FullName, "StdbModule.csproj"), "<Project />");
            var withTwo = root.CreateSubdirectory("my module!");
            File.WriteAllText(Path.Combine(withTwo.FullName, "A.csproj"), "<Project />");
            File.WriteAllText(Path.Combine(withTwo.FullName, "B.csproj"), "<Project />");

            Assert.Equal("StdbModule", ModuleCompiler.AssemblyNameFor(withProject.FullName));
            Assert.Equal("my_module_", ModuleCompiler.AssemblyNameFor(withTwo.FullName));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public void Generated_project_disables_directory_build_files_before_the_sdk_and_references_the_tools()
    {
        var project = ModuleProject.Generate("/src/my;module", "/opt/meridian", "Chat");

        var sdkProps = project.IndexOf("Sdk.props", StringComparison.Ordinal);
        foreach (var property in (string[])["<ImportDirectoryBuildProps>false", "<ImportDirectoryBuildTargets>false", "<ImportDirectoryPackagesProps>false"])
        {
            var at = project.IndexOf(property, StringComparison.Ordinal);
            Assert.InRange(at, 0, sdkProps);
        }
        Assert.Contains("<TargetFramework>net10.0</TargetFramework>", project);
        Assert.Contains("<ImplicitUsings>enable</ImplicitUsings>", project);
        Assert.Contains("<Nullable>enable</Nullable>", project);
        Assert.Contains("<Compile Include=\"/src/my%3Bmodule/**/*.cs\" Exclude=\"/src/my%3Bmodule/**/bin/**;/src/my%3Bmodule/**/obj/**\" />", project);
        Assert.Contains("<HintPath>/opt/meridian/Meridian.Module.dll</HintPath>", project);
        Assert.Contains("<HintPath>/opt/meridian/Meridian.Sats.dll</HintPath>", project);
        Assert.Equal(2, project.Split("<Private>false</Private>").Length - 1);
        Assert.Contains("<Analyzer Include=\"/opt/meridian/Meridian.Module.Generator.dll\" />", project);
    }
}
