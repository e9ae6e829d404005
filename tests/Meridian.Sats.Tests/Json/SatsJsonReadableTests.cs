using Meridian.Sats.Json;
using Meridian.Sats.Types;
using Meridian.Sats.Values;

namespace Meridian.Sats.Tests.Json;

/// <summary>The readable form of SATS-JSON (what the SQLite mirror stores), next to the typed form it departs from.</summary>
public class SatsJsonReadableTests
{
    private static readonly SumType Color = AlgebraicType.Sum(("Red", AlgebraicType.Unit), ("Blue", AlgebraicType.Unit));

    public static TheoryData<string, string, string> Cases() => new()
    {
        // case, typed form, readable form
        { "option some", """{"some":5}""", "5" },
        { "option none", """{"none":[]}""", "null" },
        { "plain enum", """{"Blue":[]}""", "\"Blue\"" },
        { "unit", "[]", "{}" },
        { "i128", "-5", "\"-5\"" },
        { "u256", "\"0x10\"", "\"16\"" },
        { "timestamp", """{"__timestamp_micros_since_unix_epoch__":0}""", "\"1970-01-01T00:00:00.000000\\u002B00:00\"" },
        { "duration", """{"__time_duration_micros__":7}""", "7" },
        { "named product", """{"a":[1]}""", """{"a":[1]}""" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Readable_differs_from_typed_only_where_it_reads_better(string name, string typed, string readable)
    {
        var (value, type) = Case(name);
        Assert.Equal(typed, SatsJson.ValueToJson(value, type, form: SatsJsonForm.Typed));
        Assert.Equal(readable, SatsJson.ValueToJson(value, type, form: SatsJsonForm.Readable));
    }

    [Fact]
    public void Form_values_are_pinned()
    {
        Assert.Equal(0, (int)SatsJsonForm.Typed);
        Assert.Equal(1, (int)SatsJsonForm.Untyped);
        Assert.Equal(2, (int)SatsJsonForm.Readable);
    }

    private static (AlgebraicValue, AlgebraicType) Case(string name) => name switch
    {
        "option some" => (AlgebraicValue.OptionSome(AlgebraicValue.I32(5)), AlgebraicType.Option(AlgebraicType.I32)),
        "option none" => (AlgebraicValue.OptionNone, AlgebraicType.Option(AlgebraicType.I32)),
        "plain enum" => (AlgebraicValue.Sum(1, AlgebraicValue.Unit), Color),
        "unit" => (AlgebraicValue.Unit, AlgebraicType.Unit),
        "i128" => (AlgebraicValue.I128(-5), AlgebraicType.I128),
        "u256" => (AlgebraicValue.U256(new Numerics.UInt256(0, 16)), AlgebraicType.U256),
        "timestamp" => (new Timestamp(0).ToValue(), AlgebraicType.Timestamp),
        "duration" => (new TimeDuration(7).ToValue(), AlgebraicType.TimeDuration),
        "named product" => (AlgebraicValue.Product(AlgebraicValue.Array(AlgebraicValue.U16(1))),
            AlgebraicType.Product(("a", AlgebraicType.Array(AlgebraicType.U16)))),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };
}
