using Meridian.Sats.ModuleDef;

namespace Meridian.Codegen;

/// <summary>
/// Reads the typed SATS-JSON of a module definition, as <c>GET /v1/database/:name/schema?version=10</c>
/// serves it and <see cref="RawModuleDef.ToJson"/> writes it, with <see cref="RawModuleDefV10.ParseJson"/>
/// (the reader the client's <c>DatabaseSchema</c> shares), reporting a bad text as a <see cref="CodegenException"/>.
/// </summary>
public static class ModuleDefJson
{
    /// <summary>Parses a module definition.</summary>
    /// <exception cref="CodegenException">The text is not a module definition; the message names the JSON path.</exception>
    public static RawModuleDefV10 Parse(string json)
    {
        try
        {
            return RawModuleDefV10.ParseJson(json);
        }
        catch (ModuleDefJsonException e)
        {
            throw new CodegenException(e.Message, e);
        }
    }
}
