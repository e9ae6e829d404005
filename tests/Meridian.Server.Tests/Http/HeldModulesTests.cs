using Meridian.Sats;
using Meridian.Server.Http;

namespace Meridian.Server.Tests.Http;

/// <summary>Modules held after <c>pre_publish</c> expire <see cref="HeldModules.Lifetime"/> after their last upload, on the store's clock.</summary>
public sealed class HeldModulesTests
{
    private static readonly Identity Ann = Identity.FromClaims("localhost", "ann");
    private static readonly Identity Bob = Identity.FromClaims("localhost", "bob");

    /// <summary>A clock that moves only when told.</summary>
    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void A_held_module_is_found_until_its_lifetime_after_the_last_upload_and_then_never_again()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 3, 20, 0, 0, TimeSpan.Zero));
        var held = new HeldModules(clock);
        byte[] image = [1, 2, 3];
        var hash = held.Hold(Ann, image);
        Assert.Equal(HeldModules.HashOf(image), hash);

        clock.Now += HeldModules.Lifetime - TimeSpan.FromSeconds(1);
        Assert.Same(image, held.Find(Ann, hash));
        Assert.Null(held.Find(Bob, hash)); // kept for its uploader only

        // A second upload (another pre_publish of the same module) starts the lifetime again.
        held.Hold(Ann, image);
        clock.Now += HeldModules.Lifetime - TimeSpan.FromSeconds(1);
        Assert.Same(image, held.Find(Ann, hash.ToUpperInvariant()));

        clock.Now += TimeSpan.FromSeconds(1); // exactly the lifetime since the last upload
        Assert.Null(held.Find(Ann, hash));
        clock.Now -= TimeSpan.FromMinutes(5); // a clock that steps back does not bring it back
        Assert.Null(held.Find(Ann, hash));
    }

    [Fact]
    public void Expired_modules_leave_room_and_the_younger_ones_stay()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 3, 20, 0, 0, TimeSpan.Zero));
        var held = new HeldModules(clock);
        var old = held.Hold(Ann, [1]);
        clock.Now += TimeSpan.FromMinutes(6);
        var young = held.Hold(Ann, [2]);
        clock.Now += TimeSpan.FromMinutes(5); // 11 min after the first, 5 after the second
        Assert.Null(held.Find(Ann, old));
        Assert.Equal([2], held.Find(Ann, young));
    }
}
