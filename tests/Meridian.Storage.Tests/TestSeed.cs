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
