using Meridian.Sats;
using Meridian.Storage.Changesets;
using Meridian.Storage.Devices;
using Meridian.Storage.Log;
using Meridian.Storage.Schema;
using Meridian.Storage.Snapshots;
using static Meridian.Storage.Tests.TestSchemas;

namespace Meridian.Storage.Tests.Durability;

/// <summary>
/// Pins everything written to disk: enum values, format versions and magics, and the exact bytes of a
/// small commit log. These tests may only grow: a format change needs a new version number and a
/// reader for the old one, never an edit of the golden bytes.
/// </summary>
public class FormatStabilityTests
{
    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    [Fact]
    public void Persisted_enum_values_never_change()
    {
        Assert.Equal(0, (byte)TableAccess.Public);
        Assert.Equal(1, (byte)TableAccess.Private);
        Assert.Equal(0, (byte)IndexAlgorithm.BTree);
        Assert.Equal(1, (byte)IndexAlgorithm.Hash);
        Assert.Equal(0x10, (byte)TxRecordCodec.Sections.Schema);
        Assert.Equal(0x20, (byte)TxRecordCodec.Sections.Mutations);
        Assert.Equal(0x40, (byte)TxRecordCodec.Sections.Error);
        Assert.Equal(0x80, (byte)TxRecordCodec.Sections.Call);
        Assert.Equal(1, (byte)TxRecordCodec.SchemaOp.CreateTable);
        Assert.Equal(2, (byte)TxRecordCodec.SchemaOp.DropTable);
        Assert.Equal(0, (int)DurabilityMode.Sync);
        Assert.Equal(1, (int)DurabilityMode.Async);
    }

    [Fact]
    public void Format_versions_and_magics_never_change()
    {
        Assert.Equal("MRDLOG"u8.ToArray(), LogFormat.Magic.ToArray());
        Assert.Equal(1, LogFormat.Version);
        Assert.Equal(10, LogFormat.HeaderSize);
        Assert.Equal(26, LogFormat.CommitOverhead);
        Assert.Equal("00000000000000000042.mlog", LogFormat.SegmentName(42));
        Assert.Equal("MRDSNAP\0"u8.ToArray(), SnapshotFormat.Magic.ToArray());
        Assert.Equal("MRDSEND\0"u8.ToArray(), SnapshotFormat.EndMagic.ToArray());
        Assert.Equal(1, SnapshotFormat.Version);
        Assert.Equal("00000000000000000042.msnap", SnapshotFormat.Name(42));
    }

    private static void WriteGoldenLog(IStorageDevice device)
    {
        var clock = new FixedClock(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
        using var store = Datastore.Open(new DatastoreOptions { Device = device, Clock = clock, SnapshotInterval = 0 });
        TableId t;
        using (var tx = store.BeginTransaction())
        {
            t = tx.CreateTable(Person(autoInc: true));
            tx.Commit();
        }
        using (var tx = store.BeginTransaction())
        {
            tx.Insert(t, PersonRow(0, 42, "Ann"));
            tx.Insert(t, PersonRow(0, 7, "Bob"));
            tx.Commit(new TransactionCall("add", new byte[] { 1, 2 }, new Identity(5), new ConnectionId(6), new Timestamp(1_000_000)));
        }
        using (var tx = store.BeginTransaction())
        {
            tx.Update(t, 0, PersonRow(1, 43, "Ann"));
            tx.Commit();
        }
        using (var tx = store.BeginTransaction())
            tx.CommitFailure(new TransactionCall("boom", Array.Empty<byte>(), new Identity(5), default, new Timestamp(2_000_000), "no"));
        store.Flush();
    }

    // The commit log written by WriteGoldenLog with format version 1. Never edit: add a new golden instead.
    private const string GoldenLogV1 =
        "4D52444C4F47010000000000000000000000000000000000000001000F0100003040F34CF65E47060001000000010000"
        + "000006000000706572736F6E0203000000000200000069640B00030000006167650D00040000006E616D650400000000"
        + "01000000000100000013000000706572736F6E5F69645F6964785F62747265650100000000000001010000000D000000"
        + "706572736F6E5F69645F6B6579010000000000010000000D000000706572736F6E5F69645F7365710000000001000000"
        + "00000000000000000000000001000000000000000000000000000000FFFFFFFF00000000000000000000000001000000"
        + "0000000000000000000000000000010000000000000006000000706572736F6E00000000000000000001000000000001"
        + "000000000000000000000000000000AB6DEABC010000000000000000000000000000000100AD000000A040F34CF65E47"
        + "060003000000616464020000000102050000000000000000000000000000000000000000000000000000000000000006"
        + "00000000000000000000000000000040420F0000000000010000000000000006000000706572736F6E00020000001300"
        + "0000010000002A0000000000000003000000416E6E1300000002000000070000000000000003000000426F6200000000"
        + "01000000000003000000000000000000000000000000C62F109602000000000000000000000000000000010056000000"
        + "2040F34CF65E470600010000000000000006000000706572736F6E000100000013000000010000002B00000000000000"
        + "03000000416E6E0100000013000000010000002A0000000000000003000000416E6E000000000A7AFCAC030000000000"
        + "00000000000000000000010053000000C040F34CF65E47060004000000626F6F6D000000000500000000000000000000"
        + "0000000000000000000000000000000000000000000000000000000000000000000000000080841E0000000000020000"
        + "006E6FB35827F6";

    [Fact]
    public void A_version_1_log_still_recovers_and_writing_it_again_gives_the_same_bytes()
    {
        var device = new MemoryStorageDevice();
        WriteGoldenLog(device);
        var written = Convert.ToHexString(device.ReadAllBytes(LogFormat.SegmentName(0)));
        Assert.Equal(GoldenLogV1, written);

        var golden = new MemoryStorageDevice();
        golden.WriteAllBytes(LogFormat.SegmentName(0), Convert.FromHexString(GoldenLogV1));
        using var store = Datastore.Open(new DatastoreOptions { Device = golden });
        var t = store.Committed.GetTable("person").Id;
        var rows = store.Committed.ReadAll(t).Select(r => ReadPerson(r)).OrderBy(r => r.Id).ToList();
        Assert.Equal([(1u, 43ul, "Ann"), (2u, 7ul, "Bob")], rows);
        Assert.Equal(4ul, store.NextOffset);
    }
}
