namespace Meridian.Tests.Shared;

/// <summary>Finds the built test modules (samples are built before the tests by the project references).</summary>
internal static class TestModules
{
    public static byte[] Chat()
    {
        var root = AppContext.BaseDirectory;
        for (var dir = new DirectoryInfo(root); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "samples", "chat", "bin");
            if (Directory.Exists(candidate))
            {
                var dll = Directory.EnumerateFiles(candidate, "Chat.dll", SearchOption.AllDirectories)
                    .OrderByDescending(File.GetLastWriteTimeUtc)
                    .FirstOrDefault();
                if (dll is not null)
                    return File.ReadAllBytes(dll);
            }
        }
        throw new FileNotFoundException("samples/chat has not been built (build the solution first).");
    }
}
