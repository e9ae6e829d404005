using Meridian.Sats;
using Meridian.Server.Limits;

namespace Meridian.Server.Tests.Limits;

public sealed class IdentityLimiterTests
{
    private static readonly Identity Alice = Identity.FromClaims("test", "alice");
    private static readonly Identity Bob = Identity.FromClaims("test", "bob");

    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;

        public override long GetTimestamp() => _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }

    private static int Granted(IdentityLimiter limiter, Identity identity, int attempts) =>
        Enumerable.Range(0, attempts).Count(i => limiter.TryRequest(identity, out var refusal));

    [Fact]
    public void The_burst_is_spent_at_once_and_refills_at_the_rate_per_identity()
    {
        var clock = new ManualClock();
        var limiter = new IdentityLimiter(new RateLimitOptions { RequestsPerSecond = 10, Burst = 3 }, clock);
        Assert.Equal(3, Granted(limiter, Alice, 10));
        Assert.False(limiter.TryRequest(Alice, out var refusal));
        Assert.Contains("10 requests per second", refusal, StringComparison.Ordinal);
        Assert.Equal(3, Granted(limiter, Bob, 10));

        clock.Advance(TimeSpan.FromMilliseconds(250)); // 2.5 tokens
        Assert.Equal(2, Granted(limiter, Alice, 10));
        clock.Advance(TimeSpan.FromSeconds(60)); // refills to the burst, not beyond
        Assert.Equal(3, Granted(limiter, Alice, 10));
    }

    [Fact]
    public void Without_a_burst_one_seconds_worth_is_allowed_and_zero_means_unlimited()
    {
        var clock = new ManualClock();
        Assert.Equal(4, Granted(new IdentityLimiter(new RateLimitOptions { RequestsPerSecond = 4 }, clock), Alice, 10));
        Assert.Equal(1000, Granted(new IdentityLimiter(new RateLimitOptions(), clock), Alice, 1000));
    }

    [Fact]
    public void In_flight_calls_are_counted_per_identity_until_they_end()
    {
        var limiter = new IdentityLimiter(new RateLimitOptions { MaxInFlightCalls = 2 });
        Assert.True(limiter.TryBeginCall(Alice, out _));
        Assert.True(limiter.TryBeginCall(Alice, out _));
        Assert.False(limiter.TryBeginCall(Alice, out var refusal));
        Assert.Contains("2 reducer or procedure calls", refusal, StringComparison.Ordinal);
        Assert.True(limiter.TryBeginCall(Bob, out _));
        limiter.EndCall(Alice);
        Assert.True(limiter.TryBeginCall(Alice, out _));
    }

    [Theory]
    [InlineData(-1, 0, 0)]
    [InlineData(double.NaN, 0, 0)]
    [InlineData(1, -1, 0)]
    [InlineData(1, 0, -1)]
    public void Negative_limits_are_refused(double perSecond, int burst, int inFlight) =>
        Assert.Throws<ArgumentException>(() =>
            new IdentityLimiter(new RateLimitOptions { RequestsPerSecond = perSecond, Burst = burst, MaxInFlightCalls = inFlight }));
}
