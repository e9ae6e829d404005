namespace Meridian.Cli.Tests;

/// <summary>The built test modules under tests/Modules (the test project's references build them).</summary>
internal static class ModuleAssemblies
{
    /// <summary>The newest <c>NAME.dll</c> under <c>tests/Modules/NAME/bin</c>.</summary>
    public static string Find(string name)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var bin = Path.Combine(directory.FullName, "tests", "Modules", name, "bin");
            if (Directory.Exists(bin))
            {
                var dll = Directory.EnumerateFiles(bin, name + ".dll", SearchOption.AllDirectories)
                    .OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault();
                if (dll is not null)
                    return dll;
            }
        }
        throw new FileNotFoundException($"tests/Modules/{name} has not been built (the test project's reference builds it).");
    }
}
