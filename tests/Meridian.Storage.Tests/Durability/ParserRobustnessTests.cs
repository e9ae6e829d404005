using Meridian.Sats.Bsatn;
using Meridian.Storage.Devices;
using Meridian.Storage.History;
using Meridian.Storage.Log;
using Meridian.Storage.Schema;
using Xunit.Abstractions;

namespace Meridian.Storage.Tests.Durability;

/// <summary>Every decoder of on-disk bytes, fed empty and random input, fails only with its documented errors.</summary>
public class ParserRobustnessTests(ITestOutputHelper output)
{
    private static void OnlyDecodeErrors(Action action)
    {
        try
        {
            action();
        }
        catch (BsatnDecodeException)
        {
        }
        catch (StorageCorruptionException)
        {
        }
        catch (ArgumentException)
        {
            // Schema validation of a decoded definition (e.g. a column index out of range).
        }
    }

    [Fact]
    public void Transaction_record_and_schema_decoders_reject_garbage_cleanly()
    {
        var seed = TestSeed.Get(output);
        var rng = new Random(seed);
        OnlyDecodeErrors(() => TxRecordCodec.Read([], 0));
        OnlyDecodeErrors(() =>
        {
            var r = new BsatnReader([]);
            SchemaCodec.Read(ref r);
        });
        for (var i = 0; i < 5000; i++)
        {
            var bytes = new byte[rng.Next(64)];
            rng.NextBytes(bytes);
            if (bytes.Length > 0)
                bytes[0] &= 0xF0; // valid section flags, so decoding goes deeper
            OnlyDecodeErrors(() => TxRecordCodec.Read(bytes, 0));
            OnlyDecodeErrors(() =>
            {
                var r = new BsatnReader(bytes);
                SchemaCodec.Read(ref r);
            });
        }
    }

    [Fact]
    public void Recovery_and_history_reject_garbage_files_with_a_corruption_error()
    {
        var seed = TestSeed.Get(output);
        var rng = new Random(seed);
        for (var i = 0; i < 200; i++)
        {
            var device = new MemoryStorageDevice();
            var bytes = new byte[rng.Next(200)];
            rng.NextBytes(bytes);
            if (rng.Next(2) == 0 && bytes.Length >= 10)
                "MRDLOG\u0001\0\0\0"u8.CopyTo(bytes);
            device.WriteAllBytes(rng.Next(2) == 0 ? LogFormat.SegmentName(0) : "00000000000000000003.msnap", bytes);
            try
            {
                using var store = Datastore.Open(new DatastoreOptions { Device = device });
                // Anything that opened must be a valid (possibly empty, cut) prefix.
                Assert.True(store.NextOffset <= 1);
            }
            catch (StorageCorruptionException e)
            {
                Assert.False(string.IsNullOrEmpty(e.File));
            }
            OnlyDecodeErrors(() => _ = new HistoryReader(device).List().Count());
        }
    }
}
