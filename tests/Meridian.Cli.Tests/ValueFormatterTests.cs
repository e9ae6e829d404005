using Meridian.Cli.Output;
using Meridian.Sats;
using Meridian.Sats.Json;
using Meridian.Sats.Types;

namespace Meridian.Cli.Tests;

public class ValueFormatterTests
{
    private static string Format(string json, AlgebraicType type) => ValueFormatter.Format(SatsJson.ParseValue(json, type), type);

    [Fact]
    public void Special_types_render_as_users_know_them()
    {
        var identity = Identity.FromClaims("localhost", "test-subject");
        Assert.Equal("c200b3ce65d91b79ecfb7d881cd65bf8da2f647d590af1474ad19faa7aa87e38", Format($"[\"0x{identity.ToHexString()}\"]", AlgebraicType.Identity));
        Assert.Equal("000000000000000000000000000000ff", Format("[255]", AlgebraicType.ConnectionId));
        Assert.Equal("+1.500000", Format("[1500000]", AlgebraicType.TimeDuration));
        Assert.Equal("2023-11-14T22:13:20.000000Z", Format("[1700000000000000]", AlgebraicType.Timestamp));
        Assert.Equal("Interval(+0.000001)", Format("[0, [1]]", AlgebraicType.ScheduleAt));
    }

    [Fact]
    public void Options_show_their_value_or_null()
    {
        var option = AlgebraicType.Option(AlgebraicType.String);
        Assert.Equal("Alice", Format("[0, \"Alice\"]", option));
        Assert.Equal("null", Format("[1, []]", option));
        Assert.Equal("[\"Alice\", null]", Format("[[0, \"Alice\"], [1, []]]", AlgebraicType.Array(option)));
        Assert.Equal("(nick = null)", Format("[[1, []]]", AlgebraicType.Product(("nick", option))));
    }

    [Fact]
    public void Strings_are_quoted_only_inside_compound_values()
    {
        Assert.Equal("say \"hi\"", Format("\"say \\\"hi\\\"\"", AlgebraicType.String));
        Assert.Equal("(name = \"Bob\", age = 7)", Format("[\"Bob\", 7]", AlgebraicType.Product(("name", AlgebraicType.String), ("age", AlgebraicType.U8))));
    }

    [Fact]
    public void Numbers_use_the_invariant_culture_and_big_integers_in_full()
    {
        Assert.Equal("-1.25", Format("-1.25", AlgebraicType.F64));
        Assert.Equal("340282366920938463463374607431768211455", Format("340282366920938463463374607431768211455", AlgebraicType.U128));
        Assert.Equal("true", Format("true", AlgebraicType.Bool));
    }
}
