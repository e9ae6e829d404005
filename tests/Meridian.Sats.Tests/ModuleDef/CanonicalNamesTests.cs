using Meridian.Sats.ModuleDef;

namespace Meridian.Sats.Tests.ModuleDef;

public class CanonicalNamesTests
{
    [Theory]
    [InlineData("one_u8", "one_u_8")]
    [InlineData("SendMessage", "send_message")]
    [InlineData("unique_0_u32_u64_str", "unique_0_u_32_u_64_str")]
    [InlineData("UInt128Field", "u_int_128_field")]
    [InlineData("HTTPRequest", "http_request")]
    [InlineData("fruitName", "fruit_name")]
    [InlineData("color_label", "color_label")]
    [InlineData("ScheduledAt", "scheduled_at")]
    [InlineData("vec_u256", "vec_u_256")]
    [InlineData("A1B2", "a_1_b_2")]
    [InlineData("user", "user")]
    [InlineData("User", "user")]
    [InlineData("__leading__double", "leading_double")]
    [InlineData("kebab-case name", "kebab_case_name")]
    [InlineData("ABC", "abc")]
    [InlineData("x", "x")]
    [InlineData("", "")]
    public void Snake_case_splits_like_convert_case(string input, string expected) =>
        Assert.Equal(expected, CanonicalNames.ToSnakeCase(input));

    [Theory]
    [InlineData("Interval", "interval")]
    [InlineData("my_variant", "myVariant")]
    [InlineData("FooBar", "fooBar")]
    [InlineData("U8Value", "u8Value")]
    public void Camel_case_for_variants(string input, string expected) =>
        Assert.Equal(expected, CanonicalNames.ToCamelCase(input));

    [Theory]
    [InlineData("my_struct", "MyStruct")]
    [InlineData("DemoType", "DemoType")]
    [InlineData("point3d", "Point3D")]
    public void Pascal_case_for_types(string input, string expected) =>
        Assert.Equal(expected, CanonicalNames.ToPascalCase(input));

    [Fact]
    public void Policy_none_keeps_names_and_snake_case_converts_them()
    {
        Assert.Equal("SendMessage", CanonicalNames.Convert("SendMessage", CaseConversionPolicy.None));
        Assert.Equal("send_message", CanonicalNames.Convert("SendMessage", CaseConversionPolicy.SnakeCase));
        Assert.Equal("MyVariant", CanonicalNames.ConvertVariant("MyVariant", CaseConversionPolicy.None));
        Assert.Equal("myVariant", CanonicalNames.ConvertVariant("MyVariant", CaseConversionPolicy.SnakeCase));
        Assert.Equal("my_type", CanonicalNames.ConvertTypeName("my_type", CaseConversionPolicy.None));
        Assert.Equal("MyType", CanonicalNames.ConvertTypeName("my_type", CaseConversionPolicy.SnakeCase));
    }

    [Fact]
    public void Generated_names_follow_the_spec_patterns()
    {
        Assert.Equal("user_identity_idx_btree", CanonicalNames.IndexName("user", ["identity"], "btree"));
        Assert.Equal("score_player_level_idx_btree", CanonicalNames.IndexName("score", ["player", "level"], "btree"));
        Assert.Equal("message_id_seq", CanonicalNames.SequenceName("message", "id"));
        Assert.Equal("user_identity_key", CanonicalNames.UniqueConstraintName("user", ["identity"]));
        Assert.Equal("reminder_sched", CanonicalNames.ScheduleName("reminder"));
    }
}
