using System.Buffers.Binary;

namespace Meridian.Benchmarks.Server;

/// <summary>
/// Walks server messages in a frame body without building objects (the load generator must not be the
/// bottleneck): each message's tag and, for reducer results, the request id and whether it committed.
/// Layouts: protocol.md §4.3 (the same ones Meridian.Protocol writes).
/// </summary>
internal static class WireSkip
{
    /// <summary>Server message tags.</summary>
    public const byte InitialConnection = 0, SubscribeApplied = 1, SubscriptionError = 3, TransactionUpdate = 4, ReducerResult = 6;

    /// <summary>Reads the message at <paramref name="pos"/> and moves past it.</summary>
    public static byte Next(ReadOnlySpan<byte> body, ref int pos, out uint requestId, out bool ok)
    {
        requestId = 0;
        ok = true;
        var tag = body[pos++];
        switch (tag)
        {
            case InitialConnection:
                pos += 32 + 16;
                SkipBytes(body, ref pos);
                break;
            case SubscribeApplied:
                requestId = U32(body, ref pos);
                pos += 4;
                SkipTableRowsList(body, ref pos);
                break;
            case 2: // UnsubscribeApplied
                requestId = U32(body, ref pos);
                pos += 4;
                if (body[pos++] == 0)
                    SkipTableRowsList(body, ref pos);
                break;
            case SubscriptionError:
                ok = false;
                if (body[pos++] == 0)
                    requestId = U32(body, ref pos);
                pos += 4;
                SkipBytes(body, ref pos);
                break;
            case TransactionUpdate:
                SkipQuerySets(body, ref pos);
                break;
            case 5: // OneOffQueryResult
                requestId = U32(body, ref pos);
                if (body[pos++] == 0)
                    SkipTableRowsList(body, ref pos);
                else
                    SkipBytes(body, ref pos);
                break;
            case ReducerResult:
                requestId = U32(body, ref pos);
                pos += 8; // timestamp
                var outcome = body[pos++];
                ok = outcome <= 1;
                if (outcome == 0)
                {
                    SkipBytes(body, ref pos);
                    SkipQuerySets(body, ref pos);
                }
                else if (outcome >= 2)
                {
                    SkipBytes(body, ref pos);
                }
                break;
            default:
                throw new InvalidDataException($"unexpected server message tag {tag}");
        }
        return tag;
    }

    private static uint U32(ReadOnlySpan<byte> body, ref int pos)
    {
        var v = BinaryPrimitives.ReadUInt32LittleEndian(body[pos..]);
        pos += 4;
        return v;
    }

    // Strings and byte arrays alike: a u32 length, then the bytes.
    private static void SkipBytes(ReadOnlySpan<byte> body, ref int pos)
    {
        var length = (int)U32(body, ref pos); // read first: "pos += U32(ref pos)" would add to the old pos
        pos += length;
    }

    private static void SkipRowList(ReadOnlySpan<byte> body, ref int pos)
    {
        if (body[pos++] == 0)
            pos += 2;
        else
        {
            var count = (int)U32(body, ref pos);
            pos += 8 * count;
        }
        SkipBytes(body, ref pos);
    }

    private static void SkipTableRowsList(ReadOnlySpan<byte> body, ref int pos)
    {
        var tables = U32(body, ref pos);
        for (var i = 0; i < tables; i++)
        {
            SkipBytes(body, ref pos);
            SkipRowList(body, ref pos);
        }
    }

    private static void SkipQuerySets(ReadOnlySpan<byte> body, ref int pos)
    {
        var sets = U32(body, ref pos);
        for (var s = 0; s < sets; s++)
        {
            pos += 4;
            var tables = U32(body, ref pos);
            for (var t = 0; t < tables; t++)
            {
                SkipBytes(body, ref pos);
                var updates = U32(body, ref pos);
                for (var u = 0; u < updates; u++)
                {
                    if (body[pos++] == 0)
                    {
                        SkipRowList(body, ref pos);
                        SkipRowList(body, ref pos);
                    }
                    else
                    {
                        SkipRowList(body, ref pos);
                    }
                }
            }
        }
    }
}
