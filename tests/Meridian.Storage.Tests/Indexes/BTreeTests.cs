using Meridian.Storage.Indexes;
using Xunit.Abstractions;

namespace Meridian.Storage.Tests.Indexes;

public class BTreeTests(ITestOutputHelper output)
{
    private static List<ulong> ToList(BTreeNode<ulong>? root)
    {
        var list = new List<ulong>();
        var c = new BTreeCursor<ulong, PointerOrder>();
        for (c.SeekFirst(root); c.Valid; c.MoveNext())
            list.Add(c.Current);
        return list;
    }

    [Fact]
    public void Random_inserts_and_removes_match_a_sorted_set_and_old_versions_never_change()
    {
        var seed = TestSeed.Get(output);
        var rng = new Random(seed);
        BTreeNode<ulong>? root = null;
        var model = new SortedSet<ulong>();
        long edit = 1;
        var versions = new List<(BTreeNode<ulong>? Root, ulong[] Expected)>();
        for (var step = 0; step < 20_000; step++)
        {
            if (rng.Next(500) == 0)
            {
                // Publish a version: later edits must not touch it.
                versions.Add((root, model.ToArray()));
                edit++;
            }
            var key = (ulong)rng.Next(rng.Next(2) == 0 ? 300 : 5000);
            if (rng.Next(3) == 0)
                Assert.Equal(model.Remove(key), BTree<ulong, PointerOrder>.Remove(ref root, key, edit));
            else
                Assert.Equal(model.Add(key), BTree<ulong, PointerOrder>.Insert(ref root, key, edit));
        }
        Assert.Equal(model.ToArray(), ToList(root));
        foreach (var (r, expected) in versions)
            Assert.Equal(expected, ToList(r));
    }

    [Fact]
    public void Replace_moves_an_entry_in_place_only_when_its_position_is_unchanged_and_old_versions_never_change()
    {
        var seed = TestSeed.Get(output);
        var rng = new Random(seed);
        BTreeNode<ulong>? root = null;
        var model = new SortedSet<ulong>();
        long edit = 1;
        for (var i = 0; i < 5000; i++)
        {
            var k = (ulong)rng.Next(1_000_000) * 4;
            model.Add(k);
            BTree<ulong, PointerOrder>.Insert(ref root, k, edit);
        }
        var versions = new List<(BTreeNode<ulong>? Root, ulong[] Expected)>();
        int replaced = 0, refused = 0;
        for (var step = 0; step < 20_000; step++)
        {
            if (rng.Next(300) == 0)
            {
                versions.Add((root, model.ToArray()));
                edit++;
            }
            var keys = model.ToArray();
            var old = rng.Next(10) == 0 ? (ulong)rng.Next(4_000_000) : keys[rng.Next(keys.Length)];
            // Mostly a nearby value (often same position), sometimes far away.
            var replacement = rng.Next(4) == 0 ? (ulong)rng.Next(4_000_000) : (ulong)Math.Max(0, (long)old + rng.Next(-6, 7));
            var present = model.Contains(old);
            var samePosition = present && (replacement == old
                || (!model.Contains(replacement) && model.GetViewBetween(Math.Min(old, replacement), Math.Max(old, replacement)).Count == 1));
            if (BTree<ulong, PointerOrder>.TryReplace(ref root, old, replacement, edit))
            {
                Assert.True(samePosition, $"replaced {old} by {replacement} across other entries");
                model.Remove(old);
                model.Add(replacement);
                replaced++;
            }
            else
            {
                // Refusing is allowed only when the entry is absent or may move (the caller falls back).
                Assert.True(!present || replacement != old || !samePosition);
                refused++;
            }
        }
        Assert.Equal(model.ToArray(), ToList(root));
        foreach (var (r, expected) in versions)
            Assert.Equal(expected, ToList(r));
        Assert.True(replaced > 1000 && refused > 1000, $"replaced {replaced}, refused {refused}");
    }

    [Fact]
    public void Seek_and_ceiling_find_the_first_entry_not_below_the_probe()
    {
        var seed = TestSeed.Get(output);
        var rng = new Random(seed);
        BTreeNode<ulong>? root = null;
        var model = new SortedSet<ulong>();
        for (var i = 0; i < 5000; i++)
        {
            var k = (ulong)rng.Next(100_000) * 2;
            model.Add(k);
            BTree<ulong, PointerOrder>.Insert(ref root, k, 1);
        }
        var sorted = model.ToArray();
        var cursor = new BTreeCursor<ulong, PointerOrder>();
        for (var i = 0; i < 2000; i++)
        {
            var probe = (ulong)rng.Next(200_010);
            var idx = Array.BinarySearch(sorted, probe);
            if (idx < 0)
                idx = ~idx;
            var has = BTree<ulong, PointerOrder>.TryFindCeiling(root, probe, out var found);
            cursor.Seek(root, probe);
            if (idx == sorted.Length)
            {
                Assert.False(has);
                Assert.False(cursor.Valid);
            }
            else
            {
                Assert.True(has);
                Assert.Equal(sorted[idx], found);
                Assert.True(cursor.Valid);
                Assert.Equal(sorted[idx], cursor.Current);
            }
        }
    }

    [Fact]
    public void Sequential_inserts_pack_leaves_densely()
    {
        BTreeNode<ulong>? root = null;
        for (ulong i = 0; i < 64 * 100; i++)
            BTree<ulong, PointerOrder>.Insert(ref root, i, 1);
        // 100 full leaves under one inner level of 64 → two inner nodes plus a root.
        Assert.False(root!.IsLeaf);
        var leaves = 0;
        void Walk(BTreeNode<ulong> n)
        {
            if (n.IsLeaf)
            {
                leaves++;
                return;
            }
            for (var i = 0; i < n.Count; i++)
                Walk(n.Children![i]);
        }
        Walk(root);
        Assert.Equal(100, leaves);
    }

    [Fact]
    public void Removing_everything_empties_the_tree()
    {
        BTreeNode<ulong>? root = null;
        for (ulong i = 0; i < 10_000; i++)
            BTree<ulong, PointerOrder>.Insert(ref root, i * 7919 % 10_007, 1);
        for (ulong i = 0; i < 10_000; i++)
            Assert.True(BTree<ulong, PointerOrder>.Remove(ref root, i * 7919 % 10_007, 2));
        Assert.Null(root);
    }
}
