using System.Buffers.Binary;

namespace VoiceApp.Import;

/// <summary>What the app needs from a WAV file's header: the recording's metadata.</summary>
/// <param name="SampleRate">Samples per second.</param>
/// <param name="DurationMs">The length of the audio.</param>
/// <param name="SizeBytes">The file's size on disk.</param>
public sealed record WavInfo(uint SampleRate, ulong DurationMs, ulong SizeBytes)
{
    /// <summary>Reads the RIFF header of <paramref name="path"/>: the <c>fmt </c> chunk and the size of the <c>data</c> chunk.</summary>
    /// <exception cref="InvalidDataException">It is not a PCM WAV file.</exception>
    public static WavInfo Read(string path)
    {
        using var file = File.OpenRead(path);
        Span<byte> header = stackalloc byte[12];
        if (file.Read(header) != 12 || !header[..4].SequenceEqual("RIFF"u8) || !header[8..12].SequenceEqual("WAVE"u8))
            throw new InvalidDataException($"{path} is not a WAV file.");
        uint sampleRate = 0, byteRate = 0;
        Span<byte> chunk = stackalloc byte[8];
        Span<byte> fmt = stackalloc byte[16];
        while (file.Read(chunk) == 8)
        {
            var size = BinaryPrimitives.ReadUInt32LittleEndian(chunk[4..]);
            if (chunk[..4].SequenceEqual("fmt "u8))
            {
                if (size < 16 || file.Read(fmt) != 16)
                    throw new InvalidDataException($"{path}: its fmt chunk is cut short.");
                sampleRate = BinaryPrimitives.ReadUInt32LittleEndian(fmt[4..]);
                byteRate = BinaryPrimitives.ReadUInt32LittleEndian(fmt[8..]);
                file.Seek(size - 16 + (size & 1), SeekOrigin.Current);
            }
            else if (chunk[..4].SequenceEqual("data"u8))
            {
                if (byteRate == 0)
                    throw new InvalidDataException($"{path}: the data chunk comes before the format.");
                var durationMs = (ulong)size * 1000 / byteRate;
                return new WavInfo(sampleRate, durationMs, (ulong)file.Length);
            }
            else
            {
                file.Seek(size + (size & 1), SeekOrigin.Current);
            }
        }
        throw new InvalidDataException($"{path} has no audio data.");
    }

    /// <summary>Writes a silent 16-bit mono PCM WAV file (what heycat records) of <paramref name="durationMs"/>.</summary>
    public static void WriteSilence(string path, uint sampleRate, ulong durationMs)
    {
        var dataBytes = checked((uint)(durationMs * sampleRate / 1000 * 2));
        using var file = File.Create(path);
        Span<byte> header = stackalloc byte[44];
        "RIFF"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], 36 + dataBytes);
        "WAVEfmt "u8.CopyTo(header[8..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(header[20..], 1);
        BinaryPrimitives.WriteUInt16LittleEndian(header[22..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(header[24..], sampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(header[28..], sampleRate * 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header[32..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header[34..], 16);
        "data"u8.CopyTo(header[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[40..], dataBytes);
        file.Write(header);
        file.SetLength(44 + dataBytes);
    }
}
