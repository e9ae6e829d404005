using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Meridian.Cli.Build;

/// <summary>
/// Which source files a module's own project compiles. MSBuild cannot evaluate an upstream module's
/// project here (it targets wasi-wasm, references packages that are not restored and often has a
/// <c>global.json</c> pinning another SDK), so this reads the parts that choose files: the module's
/// csproj and the nearest <c>Directory.Build.props</c> above it (the one MSBuild would import).
/// Honoured: <c>Compile</c> items' <c>Include</c>, <c>Exclude</c> and <c>Remove</c>,
/// <c>DefaultItemExcludes</c>, and <c>EnableDefaultItems</c>/<c>EnableDefaultCompileItems</c> set to
/// false. Elements with a <c>Condition</c>, and values using properties other than
/// <c>$(MSBuildThisFileDirectory)</c>, <c>$(MSBuildProjectDirectory)</c> and
/// <c>$(DefaultItemExcludes)</c>, cannot be evaluated and are ignored.
/// </summary>
internal static class ModuleSources
{
    /// <summary>
    /// The files to compile, or null when the project files change nothing, so the default applies:
    /// every <c>*.cs</c> under the module directory except <c>bin/</c> and <c>obj/</c>.
    /// </summary>
    public static IReadOnlyList<string>? Resolve(string moduleDirectory)
    {
        var module = Path.GetFullPath(moduleDirectory).TrimEnd(Path.DirectorySeparatorChar);
        var projectFiles = new List<string>();
        if (NearestDirectoryBuildProps(module) is { } props)
            projectFiles.Add(props);
        var csprojs = Directory.GetFiles(module, "*.csproj");
        if (csprojs.Length == 1)
            projectFiles.Add(csprojs[0]);

        var defaults = true;
        var defaultExcludes = new List<string> { "**/bin/**", "**/obj/**" };
        var operations = new List<(string Kind, string[] Patterns, string[] Excludes, string Dir)>();
        var changed = false;
        foreach (var file in projectFiles)
        {
            XDocument doc;
            try
            {
                doc = XDocument.Load(file);
            }
            catch (System.Xml.XmlException)
            {
                continue; // not a project MSBuild could read either; the default applies
            }
            var dir = Path.GetDirectoryName(file)!;
            foreach (var element in doc.Descendants())
            {
                if (HasCondition(element))
                    continue;
                switch (element.Name.LocalName)
                {
                    case "EnableDefaultItems" or "EnableDefaultCompileItems"
                        when element.Parent?.Name.LocalName == "PropertyGroup" && element.Value.Trim().Equals("false", StringComparison.OrdinalIgnoreCase):
                        defaults = false;
                        changed = true;
                        break;
                    case "DefaultItemExcludes" when element.Parent?.Name.LocalName == "PropertyGroup":
                        if (Expand(element.Value, dir, module) is { } extra)
                        {
                            defaultExcludes.AddRange(Split(extra.Replace("$(DefaultItemExcludes)", "", StringComparison.Ordinal)));
                            changed = true;
                        }
                        break;
                    case "Compile" when element.Parent?.Name.LocalName == "ItemGroup":
                        foreach (var kind in (string[])["Include", "Remove"])
                        {
                            if (element.Attribute(kind)?.Value is { } value && Expand(value, dir, module) is { } patterns)
                            {
                                var excludes = Expand(element.Attribute("Exclude")?.Value ?? "", dir, module) ?? "";
                                operations.Add((kind, Split(patterns), Split(excludes), module));
                                changed = true;
                            }
                        }
                        break;
                }
            }
        }
        if (!changed)
            return null;

        var files = new List<string>();
        if (defaults)
            files.AddRange(Glob(module, ["**/*.cs"], defaultExcludes));
        foreach (var (kind, patterns, excludes, dir) in operations)
        {
            if (kind == "Include")
                files.AddRange(Glob(dir, patterns, excludes).Where(f => !files.Contains(f, StringComparer.Ordinal)));
            else
            {
                var removed = Glob(dir, patterns, []).ToHashSet(StringComparer.Ordinal);
                files.RemoveAll(removed.Contains);
            }
        }
        return files;
    }

    private static bool HasCondition(XElement element) =>
        element.AncestorsAndSelf().Any(e => !string.IsNullOrWhiteSpace(e.Attribute("Condition")?.Value));

    private static string? NearestDirectoryBuildProps(string module)
    {
        for (var dir = new DirectoryInfo(module); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "Directory.Build.props");
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }

    // Substitutes the directory properties; null when another property is used (it cannot be evaluated).
    private static string? Expand(string value, string thisFileDirectory, string projectDirectory)
    {
        var text = value
            .Replace("$(MSBuildThisFileDirectory)", thisFileDirectory + "/", StringComparison.Ordinal)
            .Replace("$(MSBuildProjectDirectory)", projectDirectory, StringComparison.Ordinal);
        var rest = text.Replace("$(DefaultItemExcludes)", "", StringComparison.Ordinal);
        return rest.Contains("$(", StringComparison.Ordinal) || rest.Contains("@(", StringComparison.Ordinal) ? null : text;
    }

    private static string[] Split(string patterns) =>
        patterns.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The files under <paramref name="baseDirectory"/> (or an absolute pattern's root) matching a pattern and no exclude.</summary>
    internal static IEnumerable<string> Glob(string baseDirectory, IEnumerable<string> patterns, IEnumerable<string> excludes)
    {
        var excluded = excludes.Select(e => ToRegex(Absolute(baseDirectory, e))).ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pattern in patterns)
        {
            var absolute = Absolute(baseDirectory, pattern);
            var root = FixedPrefix(absolute);
            if (!Directory.Exists(root))
            {
                if (File.Exists(absolute) && !excluded.Any(x => x.IsMatch(absolute)) && seen.Add(absolute))
                    yield return absolute;
                continue;
            }
            var regex = ToRegex(absolute);
            foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var path = file.Replace('\\', '/');
                if (regex.IsMatch(path) && !excluded.Any(x => x.IsMatch(path)) && seen.Add(path))
                    yield return path;
            }
        }
    }

    private static string Absolute(string baseDirectory, string pattern)
    {
        var p = pattern.Replace('\\', '/');
        return (Path.IsPathRooted(p) ? p : Path.GetFullPath(Path.Combine(baseDirectory, p))).Replace('\\', '/');
    }

    // The directory part before the first wildcard.
    private static string FixedPrefix(string absolutePattern)
    {
        var wildcard = absolutePattern.IndexOfAny(['*', '?']);
        var fixedPart = wildcard < 0 ? absolutePattern : absolutePattern[..wildcard];
        var slash = fixedPart.LastIndexOf('/');
        return slash <= 0 ? "/" : fixedPart[..slash];
    }

    private static Regex ToRegex(string absolutePattern)
    {
        var sb = new StringBuilder("^");
        for (var i = 0; i < absolutePattern.Length; i++)
        {
            var c = absolutePattern[i];
            if (c == '*' && i + 1 < absolutePattern.Length && absolutePattern[i + 1] == '*')
            {
                // "**/" matches any number of directories, including none.
                if (i + 2 < absolutePattern.Length && absolutePattern[i + 2] == '/')
                {
                    sb.Append("(?:.*/)?");
                    i += 2;
                }
                else
                {
                    sb.Append(".*");
                    i++;
                }
            }
            else if (c == '*')
                sb.Append("[^/]*");
            else if (c == '?')
                sb.Append("[^/]");
            else
                sb.Append(Regex.Escape(c.ToString()));
        }
        return new Regex(sb.Append('$').ToString(), RegexOptions.CultureInvariant);
    }
}
