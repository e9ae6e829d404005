using System.Globalization;
using Xunit.Abstractions;

namespace Meridian.Sats.Tests.Support;

/// <summary>
/// The seed of this run's randomised tests: <c>MERIDIAN_TEST_SEED</c> when it is set, else a new one
/// per test process. Every property starts from it, so one value replays any failure of the run
/// (docs/dev/testing.md).
/// </summary>
public static class TestSeed
{
    /// <summary>FsCheck's gamma (an odd number) paired with the seed; fixed, so the seed alone replays.</summary>
    public const ulong Gamma = 0x9E3779B97F4A7C15;

    /// <summary>The seed.</summary>
    public static ulong Value { get; } = Environment.GetEnvironmentVariable("MERIDIAN_TEST_SEED") is { Length: > 0 } text
        ? ulong.Parse(text, CultureInfo.InvariantCulture)
        : (ulong)Random.Shared.NextInt64(1, long.MaxValue);

    /// <summary>The seed as FsCheck's replay value, <c>seed,gamma</c>.</summary>
    public static string Replay => string.Create(CultureInfo.InvariantCulture, $"{Value},{Gamma}");

    /// <summary>Writes the seed and how to replay it to the test's output.</summary>
    public static void Print(ITestOutputHelper output) =>
        output.WriteLine($"seed {Value} (replay with MERIDIAN_TEST_SEED={Value}, or [ReplayableProperty(Replay = \"{Replay}\")])");

    /// <summary>A <see cref="Random"/> seeded from the run's seed, after printing the seed under <paramref name="name"/>.</summary>
    public static Random NewRandom(ITestOutputHelper output, string name)
    {
        output.WriteLine($"{name}:");
        Print(output);
        return new Random(unchecked((int)Value));
    }
}
