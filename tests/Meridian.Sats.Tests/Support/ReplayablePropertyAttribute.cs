using FsCheck.Xunit;

namespace Meridian.Sats.Tests.Support;

/// <summary>
/// An FsCheck <c>[Property]</c> whose random stream starts from the run's <see cref="TestSeed"/>
/// (so <c>MERIDIAN_TEST_SEED</c> replays it) and whose generators are <see cref="SatsArbitraries"/>.
/// Setting <c>Replay</c> on the attribute still wins, as FsCheck documents.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class ReplayablePropertyAttribute : PropertyAttribute
{
    /// <summary>Replays <see cref="TestSeed.Value"/> with the SATS generators.</summary>
    public ReplayablePropertyAttribute()
    {
        Replay = TestSeed.Replay;
        Arbitrary = [typeof(SatsArbitraries)];
    }
}
