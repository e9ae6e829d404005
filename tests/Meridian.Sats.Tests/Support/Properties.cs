using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;
using Xunit.Abstractions;

namespace Meridian.Sats.Tests.Support;

/// <summary>Runs FsCheck properties with a printed, replayable seed (set MERIDIAN_TEST_SEED to replay).</summary>
internal static class Properties
{
    public static ulong NewSeed(ITestOutputHelper output, string name)
    {
        var env = Environment.GetEnvironmentVariable("MERIDIAN_TEST_SEED");
        var seed = env is not null ? ulong.Parse(env, System.Globalization.CultureInfo.InvariantCulture) : (ulong)Random.Shared.NextInt64(1, long.MaxValue);
        output.WriteLine($"{name}: seed {seed} (replay with MERIDIAN_TEST_SEED={seed})");
        return seed;
    }

    public static void ForAll<T>(ITestOutputHelper output, string name, Gen<T> gen, Action<T> property, int maxTest = 200)
    {
        var seed = NewSeed(output, name);
        var config = Config.QuickThrowOnFailure
            .WithMaxTest(maxTest)
            .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(seed), FSharpOption<int>.None)));
        Check.One(name, config, Prop.ForAll(gen.ToArbitrary(), property));
    }
}
