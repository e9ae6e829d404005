namespace Meridian.Client.Mirror;

/// <summary>
/// When the incremental mode stops queueing changes and rebuilds the file instead. An incremental write pays per
/// change, a rebuild per row: the <c>mirror</c> benchmark (benchmarks/results/mirror.md) measured one change of a
/// keyed table at about 2.5 times one row of a rebuild, so the two meet near 0.4 changes per row (a batch updating a
/// fifth of the table). A delete from a table without a primary key finds its row by scanning the table, so it
/// weighs more as that table grows (about one row in 200 of it). Below <see cref="MinChanges"/> the write is cheap
/// either way and stays incremental.
/// </summary>
internal static class MirrorRewritePolicy
{
    /// <summary>Changes per mirrored row beyond which a rebuild is the cheaper write.</summary>
    public const double ChangesPerRow = 0.4;

    /// <summary>No rebuild for fewer changes than this, however small the tables.</summary>
    public const int MinChanges = 1_000;

    /// <summary>Rows of an unkeyed table one delete of it costs as much as scanning.</summary>
    public const int UnkeyedRowsPerChange = 200;

    /// <summary>The weight of one change: 1, or more for a delete that scans a table without a primary key.</summary>
    public static double Cost(bool isInsert, bool hasPrimaryKey, long tableRows) =>
        isInsert || hasPrimaryKey ? 1 : 1 + (double)tableRows / UnkeyedRowsPerChange;

    /// <summary>Whether changes of total weight <paramref name="pending"/> cost more to apply than rebuilding <paramref name="rows"/> rows.</summary>
    public static bool RebuildIsCheaper(double pending, long rows) => pending > Math.Max(MinChanges, rows * ChangesPerRow);
}
