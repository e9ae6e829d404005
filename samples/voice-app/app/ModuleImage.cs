using System.Security.Cryptography;

namespace VoiceApp;

/// <summary>The module the app ships with (module/v2, compiled into the app as a resource).</summary>
public static class ModuleImage
{
    /// <summary>The bundled module's bytes.</summary>
    public static byte[] Bundled()
    {
        using var stream = typeof(ModuleImage).Assembly.GetManifestResourceStream("HeycatData.dll")
            ?? throw new InvalidOperationException("The heycat-data module is not bundled in this build of the app.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>How the app tells whether the database runs this module: its SHA-256, as the server reports it.</summary>
    public static string Hash(byte[] image) => Convert.ToHexStringLower(SHA256.HashData(image));
}
