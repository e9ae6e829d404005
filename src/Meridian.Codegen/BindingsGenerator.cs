using System.Reflection;
using Meridian.Codegen.CSharp;
using Meridian.Codegen.Model;
using Meridian.Codegen.TypeScript;
using Meridian.Sats.ModuleDef;

namespace Meridian.Codegen;

/// <summary>
/// Client bindings from a module definition. The same definition and options always give the
/// same files, byte for byte: everything is sorted by name, lines end with <c>\n</c>, and nothing
/// depends on the time, the machine or the order the module declared things in.
/// </summary>
public static class BindingsGenerator
{
    /// <summary>This library's version as the headers of generated files name it (without build metadata).</summary>
    public static string Version { get; } = ReadVersion();

    /// <summary>Generates the bindings of <paramref name="definition"/> in <paramref name="language"/>, sorted by path.</summary>
    /// <exception cref="CodegenException">The definition cannot be turned into bindings; the message says why.</exception>
    public static IReadOnlyList<GeneratedFile> Generate(RawModuleDefV10 definition, BindingsLanguage language, BindingsOptions? options = null)
    {
        options ??= new BindingsOptions();
        var model = ModuleModel.From(definition);
        return language switch
        {
            BindingsLanguage.TypeScript => new TypeScriptGenerator(model, options).Generate(),
            BindingsLanguage.CSharp => new CSharpGenerator(model, options).Generate(),
            _ => throw new ArgumentOutOfRangeException(nameof(language), language, "Unknown bindings language."),
        };
    }

    private static string ReadVersion()
    {
        var assembly = typeof(BindingsGenerator).Assembly;
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString(3)
            ?? "0.0.0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }
}
