namespace Meridian.Storage.Tables;

/// <summary>Hands out the edit tokens that mark which B+tree nodes a writer owns (see <see cref="Indexes.BTreeNode{T}"/>).</summary>
internal static class EditToken
{
    private static long _counter;

    public static long Next() => Interlocked.Increment(ref _counter);
}
