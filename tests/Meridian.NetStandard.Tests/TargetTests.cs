using System.Reflection;
using System.Runtime.Versioning;
using Meridian.Protocol.Messages;
using Meridian.Sats;
using Meridian.Sats.Json;
using Meridian.Sats.Types;
using Meridian.Sats.Values;

namespace Meridian.NetStandard.Tests;

/// <summary>Proves that this project tests the netstandard2.1 builds, not the net10.0 ones every other test project uses.</summary>
public class TargetTests
{
    [Theory]
    [InlineData(typeof(AlgebraicValue))]
    [InlineData(typeof(ServerMessage))]
    public void Sats_and_Protocol_are_their_netstandard21_builds(Type type)
    {
        var target = type.Assembly.GetCustomAttribute<TargetFrameworkAttribute>();
        Assert.Equal(".NETStandard,Version=v2.1", target?.FrameworkName);
    }

    [Fact]
    public void The_128_bit_integers_in_the_public_api_are_the_compat_types()
    {
        var parameter = typeof(AlgebraicValue).GetMethod(nameof(AlgebraicValue.I128))!.GetParameters()[0];
        Assert.Equal(typeof(Int128), parameter.ParameterType);
        Assert.Equal("Meridian.Sats.Numerics.Int128", parameter.ParameterType.FullName);
        Assert.Equal(typeof(AlgebraicValue).Assembly, typeof(UInt128).Assembly);
    }

    [Theory]
    [InlineData(typeof(AlgebraicValue), "Microsoft.Bcl.TimeProvider,netstandard,System.Runtime.CompilerServices.Unsafe,System.Text.Json")]
    [InlineData(typeof(ServerMessage), "Meridian.Sats,netstandard,System.Runtime.CompilerServices.Unsafe")]
    public void Only_netstandard_and_its_packages_are_referenced(Type type, string expected)
    {
        // A reference to System.Runtime or System.Private.CoreLib would not load on Unity's runtime.
        var names = type.Assembly.GetReferencedAssemblies().Select(a => a.Name).Order(StringComparer.OrdinalIgnoreCase);
        Assert.Equal(expected, string.Join(",", names));
    }

    [Fact]
    public void Package_types_are_the_BCLs_own_on_a_modern_runtime()
    {
        // The netstandard2.1 build takes TimeProvider from Microsoft.Bcl.TimeProvider, which forwards to the BCL here.
        var clock = new FixedClock(new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero));
        Assert.Equal(Timestamp.FromDateTimeOffset(clock.GetUtcNow()), Timestamp.Now(clock));
        Assert.Equal(1_704_164_645_000_000, Timestamp.Now(clock).MicrosecondsSinceUnixEpoch);

        // SATS-JSON runs on the System.Text.Json package's API surface.
        var value = SatsJson.ParseValue("[340282366920938463463374607431768211455]", AlgebraicType.Product((null, AlgebraicType.U128)));
        Assert.Equal(UInt128.MaxValue, value.AsProduct()[0].AsU128());
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
