using System.Runtime.CompilerServices;

namespace Meridian.Storage.Indexes;

/// <summary>A total order on <typeparamref name="T"/>, resolved at compile time so comparisons inline.</summary>
internal interface IOrder<T>
{
    static abstract int Compare(in T a, in T b);
}

/// <summary>
/// A node of a persistent (copy-on-write) B+tree. A node whose <see cref="Edit"/> equals the
/// caller's edit token belongs to the caller's open transaction and may be changed in place; any
/// other node is shared with published versions and is copied before it changes.
/// </summary>
internal sealed class BTreeNode<T>
{
    // 64 entries keeps a leaf of 12-byte entries under 1 KiB, so copying a path is cheap.
    public const int Capacity = 64;

    public readonly T[] Keys;
    public readonly BTreeNode<T>[]? Children;
    public int Count;
    public long Edit;

    public BTreeNode(bool leaf, long edit)
    {
        Keys = new T[Capacity];
        Children = leaf ? null : new BTreeNode<T>[Capacity];
        Edit = edit;
    }

    private BTreeNode(BTreeNode<T> from, long edit)
    {
        Keys = (T[])from.Keys.Clone();
        Children = from.Children is null ? null : (BTreeNode<T>[])from.Children.Clone();
        Count = from.Count;
        Edit = edit;
    }

    public bool IsLeaf => Children is null;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public BTreeNode<T> Editable(long edit) => Edit == edit ? this : new BTreeNode<T>(this, edit);
}

/// <summary>
/// Persistent B+tree operations over a sorted set of <typeparamref name="T"/>. Inner nodes hold, for
/// each child, the smallest entry beneath it. Writers pass an edit token: nodes created under the
/// same token are mutated in place (a transaction's private copies), all others are copied, so every
/// published root stays an immutable snapshot.
/// </summary>
internal static class BTree<T, TOrder>
    where TOrder : IOrder<T>
{
    private const int MinFill = BTreeNode<T>.Capacity / 4;

    /// <summary>Index of the first key ≥ <paramref name="item"/> in a node.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int LowerBound(BTreeNode<T> node, in T item)
    {
        int lo = 0, hi = node.Count;
        var keys = node.Keys;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (TOrder.Compare(keys[mid], item) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo;
    }

    /// <summary>The child of an inner node whose range holds <paramref name="item"/>: the last child whose minimum is ≤ item.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ChildIndex(BTreeNode<T> node, in T item)
    {
        int lo = 1, hi = node.Count;
        var keys = node.Keys;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (TOrder.Compare(keys[mid], item) <= 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo - 1;
    }

    /// <summary>Adds <paramref name="item"/>; false (and no change) when an equal entry exists.</summary>
    public static bool Insert(ref BTreeNode<T>? root, in T item, long edit)
    {
        if (root is null)
        {
            var leaf = new BTreeNode<T>(leaf: true, edit);
            leaf.Keys[0] = item;
            leaf.Count = 1;
            root = leaf;
            return true;
        }
        var updated = InsertInto(root, item, edit, out var right);
        if (updated is null)
            return false;
        if (right is not null)
        {
            var top = new BTreeNode<T>(leaf: false, edit);
            top.Keys[0] = updated.Keys[0];
            top.Children![0] = updated;
            top.Keys[1] = right.Keys[0];
            top.Children[1] = right;
            top.Count = 2;
            root = top;
        }
        else
        {
            root = updated;
        }
        return true;
    }

    private static BTreeNode<T>? InsertInto(BTreeNode<T> node, in T item, long edit, out BTreeNode<T>? right)
    {
        right = null;
        if (node.IsLeaf)
        {
            var pos = LowerBound(node, item);
            if (pos < node.Count && TOrder.Compare(node.Keys[pos], item) == 0)
                return null;
            node = node.Editable(edit);
            if (node.Count < BTreeNode<T>.Capacity)
            {
                InsertAt(node.Keys, node.Count, pos, item);
                node.Count++;
                return node;
            }
            right = SplitLeaf(node, pos, item, edit);
            return node;
        }

        var ci = ChildIndex(node, item);
        var child = node.Children![ci];
        var newChild = InsertInto(child, item, edit, out var childRight);
        if (newChild is null)
            return null;
        if (ReferenceEquals(newChild, child) && childRight is null && (ci != 0 || TOrder.Compare(item, node.Keys[0]) >= 0))
            return node;
        node = node.Editable(edit);
        node.Children![ci] = newChild;
        node.Keys[ci] = newChild.Keys[0];
        if (childRight is null)
            return node;
        var at = ci + 1;
        if (node.Count < BTreeNode<T>.Capacity)
        {
            InsertAt(node.Keys, node.Count, at, childRight.Keys[0]);
            InsertAt(node.Children, node.Count, at, childRight);
            node.Count++;
            return node;
        }
        right = SplitInner(node, at, childRight, edit);
        return node;
    }

    private static BTreeNode<T> SplitLeaf(BTreeNode<T> node, int pos, in T item, long edit)
    {
        var right = new BTreeNode<T>(leaf: true, edit);
        const int cap = BTreeNode<T>.Capacity;
        if (pos == cap)
        {
            // Appending at the end (sequential keys): keep the left node full so bulk loads pack densely.
            right.Keys[0] = item;
            right.Count = 1;
            return right;
        }
        const int half = cap / 2;
        Array.Copy(node.Keys, half, right.Keys, 0, cap - half);
        Array.Clear(node.Keys, half, cap - half);
        node.Count = half;
        right.Count = cap - half;
        if (pos <= half)
        {
            InsertAt(node.Keys, node.Count, pos, item);
            node.Count++;
        }
        else
        {
            InsertAt(right.Keys, right.Count, pos - half, item);
            right.Count++;
        }
        return right;
    }

    private static BTreeNode<T> SplitInner(BTreeNode<T> node, int at, BTreeNode<T> child, long edit)
    {
        var right = new BTreeNode<T>(leaf: false, edit);
        const int cap = BTreeNode<T>.Capacity;
        if (at == cap)
        {
            right.Keys[0] = child.Keys[0];
            right.Children![0] = child;
            right.Count = 1;
            return right;
        }
        const int half = cap / 2;
        Array.Copy(node.Keys, half, right.Keys, 0, cap - half);
        Array.Copy(node.Children!, half, right.Children!, 0, cap - half);
        Array.Clear(node.Keys, half, cap - half);
        Array.Clear(node.Children!, half, cap - half);
        node.Count = half;
        right.Count = cap - half;
        if (at <= half)
        {
            InsertAt(node.Keys, node.Count, at, child.Keys[0]);
            InsertAt(node.Children!, node.Count, at, child);
            node.Count++;
        }
        else
        {
            InsertAt(right.Keys, right.Count, at - half, child.Keys[0]);
            InsertAt(right.Children!, right.Count, at - half, child);
            right.Count++;
        }
        return right;
    }

    /// <summary>
    /// Adds a batch of entries, sorted ascending and distinct, none of them already in the tree. Each
    /// leaf the batch reaches is rebuilt once by merging (one copy, no per-entry shifting), so a
    /// transaction's inserts into an index cost one pass over the leaves they land in.
    /// </summary>
    public static void InsertSorted(ref BTreeNode<T>? root, ReadOnlySpan<T> items, long edit)
    {
        if (items.IsEmpty)
            return;
        var level = new List<BTreeNode<T>>();
        if (root is null)
            AppendLeaves(items, edit, level, reuse: null, full: false);
        else
            InsertSortedInto(root, items, edit, level);
        while (level.Count > 1)
        {
            var parents = new List<BTreeNode<T>>((level.Count + BTreeNode<T>.Capacity - 1) / BTreeNode<T>.Capacity);
            AppendInner(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(level), edit, parents, reuse: null);
            level = parents;
        }
        root = level[0];
    }

    private static void InsertSortedInto(BTreeNode<T> node, ReadOnlySpan<T> items, long edit, List<BTreeNode<T>> output)
    {
        const int cap = BTreeNode<T>.Capacity;
        if (node.IsLeaf)
        {
            var total = node.Count + items.Length;
            if (total <= cap)
            {
                node = node.Editable(edit);
                MergeBackward(node.Keys, node.Count, items);
                node.Count = total;
                output.Add(node);
                return;
            }
            // Keys that all come after the leaf's own are an append (ascending keys): pack full.
            // Otherwise leave room, so the next transaction's inserts do not split every leaf again.
            var append = TOrder.Compare(items[0], node.Keys[node.Count - 1]) > 0;
            var merged = Scratch(total);
            Merge(node.Keys.AsSpan(0, node.Count), items, merged);
            AppendLeaves(merged.AsSpan(0, total), edit, output, node.Edit == edit ? node : null, append);
            return;
        }

        // Partition the batch by child: child i takes the items below the minimum of child i + 1.
        var children = new List<BTreeNode<T>>(node.Count + 4);
        var changed = false;
        var start = 0;
        for (var i = 0; i < node.Count; i++)
        {
            var end = i + 1 < node.Count ? start + LowerBoundIn(items[start..], node.Keys[i + 1]) : items.Length;
            var child = node.Children![i];
            if (end > start)
            {
                InsertSortedInto(child, items[start..end], edit, children);
                changed = true;
            }
            else
            {
                children.Add(child);
            }
            start = end;
        }
        if (!changed)
        {
            output.Add(node);
            return;
        }
        AppendInner(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(children), edit, output, node.Edit == edit ? node : null);
    }

    /// <summary>
    /// Sorts a batch with <typeparamref name="TOrder"/>'s comparison inlined (the framework's sort
    /// calls a comparer through a delegate, several times slower at these sizes): quicksort with a
    /// median-of-three pivot, insertion sort below 16 items.
    /// </summary>
    public static void Sort(Span<T> items)
    {
        while (items.Length > 16)
        {
            var mid = items.Length >> 1;
            var last = items.Length - 1;
            if (TOrder.Compare(items[mid], items[0]) < 0)
                (items[mid], items[0]) = (items[0], items[mid]);
            if (TOrder.Compare(items[last], items[0]) < 0)
                (items[last], items[0]) = (items[0], items[last]);
            if (TOrder.Compare(items[last], items[mid]) < 0)
                (items[last], items[mid]) = (items[mid], items[last]);
            var pivot = items[mid];
            int i = 0, j = last;
            while (i <= j)
            {
                while (TOrder.Compare(items[i], pivot) < 0)
                    i++;
                while (TOrder.Compare(pivot, items[j]) < 0)
                    j--;
                if (i <= j)
                {
                    (items[i], items[j]) = (items[j], items[i]);
                    i++;
                    j--;
                }
            }
            // Recurse into the smaller side, loop on the larger, so the stack stays logarithmic.
            if (j + 1 < items.Length - i)
            {
                Sort(items[..(j + 1)]);
                items = items[i..];
            }
            else
            {
                Sort(items[i..]);
                items = items[..(j + 1)];
            }
        }
        for (var k = 1; k < items.Length; k++)
        {
            var item = items[k];
            var w = k - 1;
            while (w >= 0 && TOrder.Compare(items[w], item) > 0)
            {
                items[w + 1] = items[w];
                w--;
            }
            items[w + 1] = item;
        }
    }

    internal static int LowerBoundIn(ReadOnlySpan<T> items, in T item)
    {
        int lo = 0, hi = items.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (TOrder.Compare(items[mid], item) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo;
    }

    // Merges `items` into the first `count` keys of `keys` (which has room), from the back.
    private static void MergeBackward(T[] keys, int count, ReadOnlySpan<T> items)
    {
        int a = count - 1, b = items.Length - 1, w = count + items.Length - 1;
        while (b >= 0)
        {
            if (a >= 0 && TOrder.Compare(keys[a], items[b]) > 0)
                keys[w--] = keys[a--];
            else
                keys[w--] = items[b--];
        }
    }

    internal static void Merge(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> into)
    {
        int i = 0, j = 0, w = 0;
        while (i < a.Length && j < b.Length)
            into[w++] = TOrder.Compare(a[i], b[j]) <= 0 ? a[i++] : b[j++];
        a[i..].CopyTo(into[w..]);
        w += a.Length - i;
        b[j..].CopyTo(into[w..]);
    }

    [ThreadStatic]
    private static T[]? _scratch;

    private static T[] Scratch(int size)
    {
        var s = _scratch;
        if (s is null || s.Length < size)
            _scratch = s = new T[Math.Max(size, BTreeNode<T>.Capacity * 4)];
        return s;
    }

    // Cuts sorted entries into leaves filled evenly, full or to three quarters; `reuse` (owned by the writer) becomes the first.
    private static void AppendLeaves(ReadOnlySpan<T> sorted, long edit, List<BTreeNode<T>> output, BTreeNode<T>? reuse, bool full)
    {
        var fill = full ? BTreeNode<T>.Capacity : BTreeNode<T>.Capacity * 3 / 4;
        var k = (sorted.Length + fill - 1) / fill;
        var at = 0;
        for (var n = 0; n < k; n++)
        {
            var size = (sorted.Length - at) / (k - n);
            var leaf = n == 0 && reuse is not null ? reuse : new BTreeNode<T>(leaf: true, edit);
            sorted.Slice(at, size).CopyTo(leaf.Keys);
            if (size < leaf.Count)
                Array.Clear(leaf.Keys, size, leaf.Count - size);
            leaf.Count = size;
            at += size;
            output.Add(leaf);
        }
    }

    // Groups child nodes under as few inner nodes as hold them, filled evenly.
    private static void AppendInner(ReadOnlySpan<BTreeNode<T>> children, long edit, List<BTreeNode<T>> output, BTreeNode<T>? reuse)
    {
        const int cap = BTreeNode<T>.Capacity;
        var k = (children.Length + cap - 1) / cap;
        var at = 0;
        for (var n = 0; n < k; n++)
        {
            var size = (children.Length - at) / (k - n);
            var inner = n == 0 && reuse is not null ? reuse : new BTreeNode<T>(leaf: false, edit);
            var old = inner.Count;
            for (var j = 0; j < size; j++)
            {
                var child = children[at + j];
                inner.Keys[j] = child.Keys[0];
                inner.Children![j] = child;
            }
            if (size < old)
            {
                Array.Clear(inner.Keys, size, old - size);
                Array.Clear(inner.Children!, size, old - size);
            }
            inner.Count = size;
            at += size;
            output.Add(inner);
        }
    }

    /// <summary>Removes the entry equal to <paramref name="item"/>; false when there is none.</summary>
    public static bool Remove(ref BTreeNode<T>? root, in T item, long edit)
    {
        if (root is null)
            return false;
        var updated = RemoveFrom(root, item, edit);
        if (updated is null)
            return false;
        while (updated is { IsLeaf: false, Count: 1 })
            updated = updated.Children![0];
        root = updated.Count == 0 ? null : updated;
        return true;
    }

    private static BTreeNode<T>? RemoveFrom(BTreeNode<T> node, in T item, long edit)
    {
        if (node.IsLeaf)
        {
            var pos = LowerBound(node, item);
            if (pos >= node.Count || TOrder.Compare(node.Keys[pos], item) != 0)
                return null;
            node = node.Editable(edit);
            RemoveAt(node.Keys, node.Count, pos);
            node.Count--;
            return node;
        }

        var ci = ChildIndex(node, item);
        var newChild = RemoveFrom(node.Children![ci], item, edit);
        if (newChild is null)
            return null;
        node = node.Editable(edit);
        var children = node.Children!;
        if (newChild.Count == 0)
        {
            RemoveAt(node.Keys, node.Count, ci);
            RemoveAt(children, node.Count, ci);
            node.Count--;
            return node;
        }
        children[ci] = newChild;
        node.Keys[ci] = newChild.Keys[0];
        if (newChild.Count < MinFill && node.Count > 1)
        {
            // Merge an underfull child into a neighbour when both fit in one node; otherwise leave it.
            var left = ci > 0 ? ci - 1 : ci;
            var a = children[left];
            var b = children[left + 1];
            if (a.Count + b.Count <= BTreeNode<T>.Capacity)
            {
                a = a.Editable(edit);
                Array.Copy(b.Keys, 0, a.Keys, a.Count, b.Count);
                if (!a.IsLeaf)
                    Array.Copy(b.Children!, 0, a.Children!, a.Count, b.Count);
                a.Count += b.Count;
                children[left] = a;
                RemoveAt(node.Keys, node.Count, left + 1);
                RemoveAt(children, node.Count, left + 1);
                node.Count--;
            }
        }
        return node;
    }

    /// <summary>
    /// Replaces the entry equal to <paramref name="old"/> with <paramref name="replacement"/> in place
    /// (one descent, no shifting) when the replacement sorts into the same position. Returns false,
    /// changing nothing, when <paramref name="old"/> is absent or the position cannot be proven the
    /// same from the leaf and its right bound (the caller then removes and inserts).
    /// </summary>
    public static bool TryReplace(ref BTreeNode<T>? root, in T old, in T replacement, long edit)
    {
        if (root is null)
            return false;
        var updated = ReplaceIn(root, old, replacement, edit, hasUpper: false, upper: default!);
        if (updated is null)
            return false;
        root = updated;
        return true;
    }

    private static BTreeNode<T>? ReplaceIn(BTreeNode<T> node, in T old, in T replacement, long edit, bool hasUpper, in T upper)
    {
        if (node.IsLeaf)
        {
            var keys = node.Keys;
            var pos = LowerBound(node, old);
            if (pos >= node.Count || TOrder.Compare(keys[pos], old) != 0)
                return null;
            // Lower side: the previous entry in this leaf, or (first entry) the replacement must not
            // move below the old entry, which is above everything in earlier leaves.
            if (pos > 0 ? TOrder.Compare(keys[pos - 1], replacement) >= 0 : TOrder.Compare(replacement, old) < 0)
                return null;
            // Upper side: the next entry in this leaf, or the smallest entry of the next subtree.
            if (pos + 1 < node.Count ? TOrder.Compare(replacement, keys[pos + 1]) >= 0 : hasUpper && TOrder.Compare(replacement, upper) >= 0)
                return null;
            node = node.Editable(edit);
            node.Keys[pos] = replacement;
            return node;
        }

        var ci = ChildIndex(node, old);
        var child = node.Children![ci];
        var newChild = ci + 1 < node.Count
            ? ReplaceIn(child, old, replacement, edit, hasUpper: true, node.Keys[ci + 1])
            : ReplaceIn(child, old, replacement, edit, hasUpper, upper);
        if (newChild is null)
            return null;
        if (ReferenceEquals(newChild, child) && TOrder.Compare(node.Keys[ci], newChild.Keys[0]) == 0)
            return node;
        node = node.Editable(edit);
        node.Children![ci] = newChild;
        node.Keys[ci] = newChild.Keys[0];
        return node;
    }

    /// <summary>The first entry ≥ <paramref name="probe"/>, if any; allocation-free.</summary>
    public static bool TryFindCeiling(BTreeNode<T>? node, in T probe, out T found)
    {
        // The smallest entry of the nearest right sibling subtree is the answer when the probe
        // lies past the end of the leaf it descends to.
        var hasCandidate = false;
        T candidate = default!;
        while (node is not null)
        {
            if (node.IsLeaf)
            {
                var pos = LowerBound(node, probe);
                if (pos < node.Count)
                {
                    found = node.Keys[pos];
                    return true;
                }
                break;
            }
            var ci = ChildIndex(node, probe);
            if (ci + 1 < node.Count)
            {
                hasCandidate = true;
                candidate = node.Keys[ci + 1];
            }
            node = node.Children![ci];
        }
        found = candidate;
        return hasCandidate;
    }

    /// <summary>True when an entry equal to <paramref name="item"/> is present.</summary>
    public static bool Contains(BTreeNode<T>? node, in T item)
    {
        while (node is not null)
        {
            if (node.IsLeaf)
            {
                var pos = LowerBound(node, item);
                return pos < node.Count && TOrder.Compare(node.Keys[pos], item) == 0;
            }
            node = node.Children![ChildIndex(node, item)];
        }
        return false;
    }

    internal static int LowerBoundInNode(BTreeNode<T> node, in T item) => LowerBound(node, item);

    internal static int ChildIndexInNode(BTreeNode<T> node, in T item) => ChildIndex(node, item);

    // Span copies are plain memmoves; Array.Copy's type checks cost more than the move at these sizes.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void InsertAt<TItem>(TItem[] array, int count, int index, TItem item)
    {
        if (index < count)
            array.AsSpan(index, count - index).CopyTo(array.AsSpan(index + 1));
        array[index] = item;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RemoveAt<TItem>(TItem[] array, int count, int index)
    {
        if (index < count - 1)
            array.AsSpan(index + 1, count - index - 1).CopyTo(array.AsSpan(index));
        array[count - 1] = default!;
    }
}

/// <summary>
/// A forward cursor over a B+tree version. It holds the root it started from, so it keeps seeing that
/// version however the tree changes afterwards.
/// </summary>
internal sealed class BTreeCursor<T, TOrder>
    where TOrder : IOrder<T>
{
    private const int MaxDepth = 24;
    private readonly BTreeNode<T>[] _path = new BTreeNode<T>[MaxDepth];
    private readonly int[] _index = new int[MaxDepth];
    private int _depth = -1;

    /// <summary>True while the cursor is on an entry.</summary>
    public bool Valid => _depth >= 0;

    /// <summary>The entry under the cursor.</summary>
    public ref readonly T Current => ref _path[_depth].Keys[_index[_depth]];

    /// <summary>Positions on the first entry of the tree.</summary>
    public void SeekFirst(BTreeNode<T>? root)
    {
        _depth = -1;
        if (root is null || root.Count == 0)
            return;
        var node = root;
        var d = 0;
        while (true)
        {
            _path[d] = node;
            _index[d] = 0;
            if (node.IsLeaf)
                break;
            node = node.Children![0];
            d++;
        }
        _depth = d;
    }

    /// <summary>Positions on the first entry ≥ <paramref name="probe"/>.</summary>
    public void Seek(BTreeNode<T>? root, in T probe)
    {
        _depth = -1;
        if (root is null || root.Count == 0)
            return;
        var node = root;
        var d = 0;
        while (!node.IsLeaf)
        {
            var ci = BTree<T, TOrder>.ChildIndexInNode(node, probe);
            _path[d] = node;
            _index[d] = ci;
            node = node.Children![ci];
            d++;
        }
        _path[d] = node;
        var pos = BTree<T, TOrder>.LowerBoundInNode(node, probe);
        _index[d] = pos;
        _depth = d;
        if (pos >= node.Count)
            AdvanceFromExhaustedLeaf();
    }

    /// <summary>Moves to the next entry; false at the end.</summary>
    public bool MoveNext()
    {
        if (_depth < 0)
            return false;
        var leaf = _path[_depth];
        if (++_index[_depth] < leaf.Count)
            return true;
        AdvanceFromExhaustedLeaf();
        return _depth >= 0;
    }

    private void AdvanceFromExhaustedLeaf()
    {
        var leafDepth = _depth;
        var d = leafDepth - 1;
        while (d >= 0 && ++_index[d] >= _path[d].Count)
            d--;
        if (d < 0)
        {
            _depth = -1;
            return;
        }
        var node = _path[d].Children![_index[d]];
        for (d++; d <= leafDepth; d++)
        {
            _path[d] = node;
            _index[d] = 0;
            if (!node.IsLeaf)
                node = node.Children![0];
        }
        _depth = leafDepth;
    }
}
