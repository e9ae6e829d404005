using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Meridian.Cli.Build;

/// <summary>
/// Compiles a module directory into a .NET assembly with <c>dotnet build</c> on a generated
/// project (<see cref="ModuleProject"/>) kept in a per-directory folder under
/// <paramref name="buildRoot"/> (the temp directory, outside any repository), so later publishes
/// of the same directory build incrementally. The module directory itself is never written to.
/// </summary>
/// <param name="toolsDirectory">Where the assemblies modules compile against are.</param>
/// <param name="buildRoot">Where the generated projects are kept.</param>
/// <param name="dotnetPath">The <c>dotnet</c> executable that builds.</param>
/// <param name="time">The clock of the progress lines; null for the system's.</param>
internal sealed partial class ModuleCompiler(string toolsDirectory, string buildRoot, string dotnetPath, TimeProvider? time = null)
{
    private static readonly TimeSpan LockPollInterval = TimeSpan.FromMilliseconds(250);

    private const int MaxUnparsedOutputLines = 40;

    /// <summary>
    /// Builds <paramref name="moduleDirectory"/>, with <see cref="BuildProgress"/> lines on <paramref name="progress"/>;
    /// compile errors come back in the result, other problems throw <see cref="CliException"/>.
    /// </summary>
    public async Task<ModuleBuild> CompileAsync(string moduleDirectory, TextWriter progress, CancellationToken cancellationToken)
    {
        var module = Path.GetFullPath(moduleDirectory);
        if (!Directory.Exists(module))
            throw new CliException($"there is no directory {moduleDirectory}.");
        if (!SourceFiles(module).Any())
            throw new CliException($"{moduleDirectory} has no C# source files (*.cs outside bin/ and obj/).", "Pass the module's directory with -p DIR.");
        var files = ModuleSources.Resolve(module);
        if (files is { Count: 0 })
            throw new CliException($"the project in {moduleDirectory} compiles no C# source files (its Compile items exclude them all).");
        foreach (var file in ModuleProject.ReferenceAssemblies.Append(ModuleProject.GeneratorAssembly))
        {
            if (!File.Exists(Path.Combine(toolsDirectory, file)))
                throw new CliException($"{file} is missing from {toolsDirectory}; this Meridian installation is incomplete.");
        }

        var assemblyName = AssemblyNameFor(module);
        var buildDirectory = BuildDirectoryFor(module);
        Directory.CreateDirectory(buildDirectory);
        await using var exclusive = await LockAsync(buildDirectory, progress, cancellationToken);
        var project = Path.Combine(buildDirectory, assemblyName + ".csproj");
        foreach (var stale in Directory.EnumerateFiles(buildDirectory, "*.csproj").Where(p => p != project))
            File.Delete(stale);
        var text = ModuleProject.Generate(module, toolsDirectory, assemblyName, files);
        // Rewriting an unchanged project would make every build a full rebuild.
        if (!File.Exists(project) || await File.ReadAllTextAsync(project, cancellationToken) != text)
            await File.WriteAllTextAsync(project, text, cancellationToken);

        var output = Path.Combine(buildDirectory, "out");
        var assembly = Path.Combine(output, assemblyName + ".dll");
        var stopwatch = Stopwatch.StartNew();
        int exitCode;
        List<string> lines;
        using (var buildProgress = new BuildProgress(progress, time ?? TimeProvider.System, BuildProgress.DefaultInterval))
        {
            buildProgress.Start();
            // Minimal verbosity: quiet hides the restore lines the progress is read from.
            (exitCode, lines) = await RunDotnetAsync(buildDirectory,
                [
                    "build", project, "-c", "Release", "-o", output,
                    "-nologo", "-v:m", "-tl:off", "-clp:NoSummary", "-nodeReuse:false", "-p:UseSharedCompilation=false",
                ],
                buildProgress.OnOutput,
                cancellationToken);
        }
        stopwatch.Stop();

        if (exitCode == 0 && File.Exists(assembly))
            return new ModuleBuild(assembly, [], stopwatch.Elapsed);
        var errors = ParseErrors(lines, module);
        if (errors.Count == 0)
        {
            errors = [$"dotnet build exited with code {exitCode}:", .. lines.TakeLast(MaxUnparsedOutputLines)];
        }
        return new ModuleBuild(null, errors, stopwatch.Elapsed);
    }

    /// <summary>
    /// The error lines of MSBuild output, each once, as <c>file:line:column: error CODE: message</c>
    /// with the file relative to <paramref name="moduleDirectory"/> when it is inside it.
    /// </summary>
    internal static List<string> ParseErrors(IEnumerable<string> lines, string moduleDirectory)
    {
        var errors = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            var match = LocatedError().Match(line);
            string error;
            if (match.Success)
            {
                var file = match.Groups["file"].Value.Trim();
                var relative = Path.GetRelativePath(moduleDirectory, file);
                if (!relative.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(relative))
                    file = relative;
                var lineNumber = match.Groups["line"].Value;
                var column = match.Groups["column"].Value;
                error = $"{file}:{lineNumber}:{column}: error {match.Groups["code"].Value}: {match.Groups["message"].Value}";
            }
            else
            {
                var plain = UnlocatedError().Match(line);
                if (!plain.Success)
                    continue;
                error = $"error {plain.Groups["code"].Value}: {plain.Groups["message"].Value}";
            }
            if (seen.Add(error))
                errors.Add(error);
        }
        return errors;
    }

    private static IEnumerable<string> SourceFiles(string module) =>
        Directory.EnumerateFiles(module, "*.cs", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(module, f)
                .Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar)
                .SkipLast(1)
                .Any(d => d is "bin" or "obj"));

    /// <summary>The module project's name (<c>StdbModule.csproj</c> → <c>StdbModule</c>), else the directory's.</summary>
    internal static string AssemblyNameFor(string module)
    {
        var projects = Directory.GetFiles(module, "*.csproj");
        var name = projects.Length == 1
            ? Path.GetFileNameWithoutExtension(projects[0])
            : Path.GetFileName(module.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        var clean = new string(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' ? c : '_').ToArray()).Trim('.');
        return clean.Length == 0 ? "Module" : clean;
    }

    private string BuildDirectoryFor(string module)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(module)))[..16];
        return Path.Combine(buildRoot, hash);
    }

    // Two publishes of one directory at once would share a build folder; the second waits.
    private static async Task<FileStream> LockAsync(string buildDirectory, TextWriter progress, CancellationToken cancellationToken)
    {
        var path = Path.Combine(buildDirectory, "build.lock");
        var told = false;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (!cancellationToken.IsCancellationRequested)
            {
                if (!told)
                {
                    await progress.WriteLineAsync("Waiting for another compilation of this module to finish…");
                    told = true;
                }
                await Task.Delay(LockPollInterval, cancellationToken);
            }
        }
    }

    private async Task<(int ExitCode, List<string> Lines)> RunDotnetAsync(
        string workingDirectory, string[] arguments, Action<string> onLine, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(dotnetPath)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        // A CLI started by `dotnet run` or `dotnet test` inherits MSBuild's variables, which would
        // point the child build at the parent's SDK internals.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";

        var lines = new List<string>();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Collect(lines, e.Data, onLine);
        process.ErrorDataReceived += (_, e) => Collect(lines, e.Data, onLine);
        try
        {
            process.Start();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or FileNotFoundException)
        {
            throw new CliException(
                $"could not run '{dotnetPath}' to compile the module: {e.Message}",
                "Install the .NET 10 SDK and make sure `dotnet` is on the PATH.");
        }
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        // WaitForExitAsync returns once the output streams are drained too.
        lock (lines)
            return (process.ExitCode, lines.ToList());
    }

    private static void Collect(List<string> lines, string? line, Action<string> onLine)
    {
        if (line is null)
            return;
        lock (lines)
            lines.Add(line);
        onLine(line);
    }

    [GeneratedRegex(
        @"^\s*(?<file>[^\s(][^(]*?)\((?<line>\d+),(?<column>\d+)(?:,\d+,\d+)?\)"
            + @"\s*:\s*error\s+(?<code>[A-Za-z]+\d+)\s*:\s*(?<message>.*?)(?:\s+\[[^\]]*\])?\s*$")]
    private static partial Regex LocatedError();

    [GeneratedRegex(@"^(?:.*?:\s*)?error\s+(?<code>[A-Za-z]+\d+)\s*:\s*(?<message>.*?)(?:\s+\[[^\]]*\])?\s*$")]
    private static partial Regex UnlocatedError();
}

/// <summary>The outcome of compiling a module.</summary>
/// <param name="AssemblyPath">The compiled module, or null when compilation failed.</param>
/// <param name="Errors">The errors, one per line, when it failed.</param>
/// <param name="Elapsed">How long <c>dotnet build</c> took.</param>
internal sealed record ModuleBuild(string? AssemblyPath, IReadOnlyList<string> Errors, TimeSpan Elapsed)
{
    /// <summary>Whether compilation produced an assembly.</summary>
    public bool Succeeded => AssemblyPath is not null;
}
