using System.Globalization;

namespace Meridian.Storage.Snapshots;

/// <summary>
/// Snapshot file layout, format version 1 (docs/dev/storage.md): <c>{offset:D20}.msnap</c> holding
/// magic "MRDSNAP\0", version u16, reserved u16, offset u64 (last transaction included), next table
/// id u32, table count u32; per table a length-prefixed schema, its sequence positions and its rows
/// (u32 length + BSATN each); then a CRC32C of everything before it and the end magic "MRDSEND\0".
/// Written to <c>.tmp</c>, fsynced, renamed, and the directory fsynced.
/// </summary>
internal static class SnapshotFormat
{
    public const string Extension = ".msnap";
    public const string TempSuffix = ".tmp";
    public const ushort Version = 1;
    public const int HeaderSize = 8 + 2 + 2 + 8 + 4 + 4;
    public const int TrailerSize = 4 + 8;
    public static ReadOnlySpan<byte> Magic => "MRDSNAP\0"u8;
    public static ReadOnlySpan<byte> EndMagic => "MRDSEND\0"u8;

    public static string Name(ulong offset) => offset.ToString("D20", CultureInfo.InvariantCulture) + Extension;

    public static bool TryParseName(string name, out ulong offset)
    {
        offset = 0;
        return name.Length == 20 + Extension.Length && name.EndsWith(Extension, StringComparison.Ordinal)
            && ulong.TryParse(name.AsSpan(0, 20), NumberStyles.None, CultureInfo.InvariantCulture, out offset);
    }
}
