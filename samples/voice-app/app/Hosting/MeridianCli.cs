namespace VoiceApp.Hosting;

/// <summary>Finds the Meridian CLI the sidecar runs.</summary>
public static class MeridianCli
{
    private static readonly string[] Configurations = ["Debug", "Release"];

    /// <summary>
    /// <c>$MERIDIAN_CLI</c> (a command line, split on spaces); else the CLI built in this repository
    /// (<c>src/Meridian.Cli/bin/{Debug,Release}/net10.0/Meridian.Cli.dll</c> above the app), run with <c>dotnet</c>;
    /// else <c>meridian</c> on the PATH. A shipped app would bundle it next to itself, as Tauri bundles a sidecar.
    /// </summary>
    public static IReadOnlyList<string> Find()
    {
        if (Environment.GetEnvironmentVariable("MERIDIAN_CLI") is { Length: > 0 } cli)
            return cli.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var built = Configurations
                .Select(configuration => Path.Combine(dir.FullName, "src", "Meridian.Cli", "bin", configuration, "net10.0", "Meridian.Cli.dll"))
                .Where(File.Exists)
                .OrderByDescending(File.GetLastWriteTimeUtc)
                .FirstOrDefault();
            if (built is not null)
                return ["dotnet", built];
        }
        return ["meridian"];
    }
}
