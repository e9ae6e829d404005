namespace Meridian.Client.Tests;

public class CompileTests
{
    [Fact]
    public void Generated_rows_round_trip_through_bsatn_and_compare_by_value()
    {
        var player = new Meridian.Golden.Leaderboard.Player(7, "seven", 70);
        var bytes = BsatnCodec.Encode(player, Meridian.Golden.Leaderboard.Player.WriteBsatn);
        var back = BsatnCodec.Decode(bytes, Meridian.Golden.Leaderboard.Player.ReadBsatn);
        Assert.Equal(player, back);
        Assert.NotSame(player, back);
        Assert.NotEqual(player, new Meridian.Golden.Leaderboard.Player(7, "seven", 71));
    }
}
