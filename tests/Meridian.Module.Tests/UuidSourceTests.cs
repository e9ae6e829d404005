using SpacetimeDB;
using SpacetimeDB.Internal;

namespace Meridian.Module.Tests;

/// <summary>The NewUuidV4/V7 every context calls: the context's random source, its per-call counter and its time.</summary>
public class UuidSourceTests
{
    [Fact]
    public void A_v4_uuid_is_the_next_16_bytes_of_the_context_random_with_the_version_bits_set()
    {
        var expected = new byte[16];
        new Random(7).NextBytes(expected);
        var uuid = UuidSource.NewV4(new Random(7));
        Assert.Equal(Uuid.FromRandomBytesV4(expected), uuid);
        Assert.Equal(Uuid.UuidVersion.V4, uuid.GetVersion());
    }

    [Fact]
    public void A_v7_uuid_takes_the_counter_and_advances_it()
    {
        var now = new Timestamp(1_796_300_000_000_000);
        var counter = 41;
        var rng = new Random(3);
        var first = UuidSource.NewV7(ref counter, now, rng);
        var second = UuidSource.NewV7(ref counter, now, rng);
        Assert.Equal(43, counter);
        Assert.Equal(Uuid.UuidVersion.V7, first.GetVersion());
        Assert.Equal(41, first.GetCounter());
        Assert.Equal(42, second.GetCounter());
        Assert.True(first.CompareTo(second) < 0);
        Assert.Throws<ArgumentNullException>(() => { UuidSource.NewV7(ref counter, now, null!); });
    }
}
