using Xunit.Abstractions;

namespace Meridian.Storage.Tests;

/// <summary>Seeds for randomised tests: printed always, and overridable with MERIDIAN_TEST_SEED to replay a failure.</summary>
internal static class TestSeed
{
    public static int Get(ITestOutputHelper output)
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("MERIDIAN_TEST_SEED");
        var seed = int.TryParse(fromEnvironment, System.Globalization.CultureInfo.InvariantCulture, out var s) ? s : Environment.TickCount;
        output.WriteLine($"seed {seed} (replay with MERIDIAN_TEST_SEED={seed})");
        return seed;
    }
}

/// <summary>
/// An FsCheck <c>[Property]</c> that starts from MERIDIAN_TEST_SEED when it is set (FsCheck prints the replay
/// value of a failure, and that seed replays it), else from a new seed per test process.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
internal sealed class SeededPropertyAttribute : FsCheck.Xunit.PropertyAttribute
{
    private static readonly ulong Seed = Environment.GetEnvironmentVariable("MERIDIAN_TEST_SEED") is { Length: > 0 } text
        ? ulong.Parse(text, System.Globalization.CultureInfo.InvariantCulture)
        : (ulong)Random.Shared.NextInt64(1, long.MaxValue);

    public SeededPropertyAttribute()
    {
        // FsCheck's replay is "seed,gamma" (gamma odd); a fixed gamma lets the seed alone replay.
        Replay = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Seed},{0x9E3779B97F4A7C15UL}");
    }
}
