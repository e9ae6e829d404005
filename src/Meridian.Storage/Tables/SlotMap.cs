using System.Runtime.CompilerServices;

namespace Meridian.Storage.Tables;

/// <summary>
/// A node of a <see cref="SlotMap"/>: a leaf of 64 slot values or an inner node of 64 children.
/// Like <see cref="Indexes.BTreeNode{T}"/>, a node whose <see cref="Edit"/> is the writer's token
/// belongs to its open transaction and changes in place; any other node is copied first.
/// </summary>
internal sealed class SlotNode
{
    public readonly ulong[]? Values;
    public readonly SlotNode?[]? Children;
    public long Edit;
    /// <summary>Live (not free) slots in a leaf, so scans skip leaves of deleted rows in one step.</summary>
    public int Live;

    public SlotNode(bool leaf, long edit)
    {
        if (leaf)
            Values = new ulong[SlotMap.Fanout];
        else
            Children = new SlotNode?[SlotMap.Fanout];
        Edit = edit;
    }

    private SlotNode(SlotNode from, long edit)
    {
        Values = (ulong[]?)from.Values?.Clone();
        Children = (SlotNode?[]?)from.Children?.Clone();
        Live = from.Live;
        Edit = edit;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public SlotNode Editable(long edit) => Edit == edit ? this : new SlotNode(this, edit);
}

/// <summary>
/// A persistent (copy-on-write) array from row id to the row's current heap pointer: a radix tree
/// of 64-way nodes. A row keeps its id while it lives, so indexes point at ids and an update only
/// re-points the row's slot (one leaf copied per transaction, not one per index). Free slots hold
/// <see cref="FreeBit"/> plus the next free id, forming the table's free list.
/// </summary>
internal struct SlotMap
{
    public const int Bits = 6;
    public const int Fanout = 1 << Bits;
    private const uint Mask = Fanout - 1;

    /// <summary>Set on free slots; live slots hold a heap pointer, which never has this bit.</summary>
    public const ulong FreeBit = 1ul << 63;

    /// <summary>A slot freed by the open transaction and not yet on the free list (<see cref="FreeBit"/> is set too).</summary>
    public const ulong Pending = FreeBit | (1ul << 62);

    /// <summary>End of a free list (and the one id never handed out).</summary>
    public const uint NoSlot = uint.MaxValue;

    public SlotNode? Root;
    /// <summary>Inner levels above the leaves (0: the root is a leaf).</summary>
    public int Height;
    /// <summary>Ids handed out so far (live or free); ids are below this.</summary>
    public uint Count;

    public static bool IsFree(ulong value) => (value & FreeBit) != 0;

    public static ulong FreeLink(uint next) => FreeBit | next;

    public static uint NextFree(ulong value) => (uint)value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly ulong Get(uint id)
    {
        var node = Root!;
        for (var shift = Height * Bits; shift > 0; shift -= Bits)
            node = node.Children![(id >> shift) & Mask]!;
        return node.Values![id & Mask];
    }

    /// <summary>The leaf holding ids <c>[leafStart, leafStart + 64)</c>.</summary>
    public readonly SlotNode Leaf(uint leafStart)
    {
        var node = Root!;
        for (var shift = Height * Bits; shift > 0; shift -= Bits)
            node = node.Children![(leafStart >> shift) & Mask]!;
        return node;
    }

    public void Set(uint id, ulong value, long edit)
    {
        // Walk down making each node on the path editable; most writes find them already owned.
        var root = Root!.Editable(edit);
        Root = root;
        var node = root;
        for (var shift = Height * Bits; shift > 0; shift -= Bits)
        {
            var children = node.Children!;
            var i = (id >> shift) & Mask;
            var child = children[i]!;
            if (child.Edit != edit)
                children[i] = child = child.Editable(edit);
            node = child;
        }
        ref var slot = ref node.Values![id & Mask];
        node.Live += (IsFree(slot) ? 0 : -1) + (IsFree(value) ? 0 : 1);
        slot = value;
    }

    /// <summary>Hands out the next id (past every id so far), storing <paramref name="value"/> in it.</summary>
    public uint Append(ulong value, long edit)
    {
        var id = Count;
        if (id >= NoSlot - Fanout)
            throw new StorageException($"A table cannot hold more than {NoSlot - Fanout} row slots.");
        if (Root is null)
        {
            Root = new SlotNode(leaf: true, edit);
            Height = 0;
        }
        else if (Height < 5 && id >> ((Height + 1) * Bits) != 0)
        {
            // Full at this height: grow a level.
            var top = new SlotNode(leaf: false, edit);
            top.Children![0] = Root;
            Root = top;
            Height++;
        }
        var node = Root = Root.Editable(edit);
        for (var shift = Height * Bits; shift > 0; shift -= Bits)
        {
            var children = node.Children!;
            var i = (id >> shift) & Mask;
            var child = children[i];
            if (child is null)
                children[i] = child = new SlotNode(leaf: shift == Bits, edit);
            else if (child.Edit != edit)
                children[i] = child = child.Editable(edit);
            node = child;
        }
        node.Values![id & Mask] = value;
        if (!IsFree(value))
            node.Live++;
        Count = id + 1;
        return id;
    }

    /// <summary>Enumerates the live slots of one version in id order (a copy of the map is a snapshot: its nodes are immutable once shared).</summary>
    public struct LiveEnumerator
    {
        private readonly SlotMap _map;
        private ulong[]? _leaf;
        private uint _next;

        public LiveEnumerator(SlotMap map) => _map = map;

        public uint Id;
        public ulong Pointer;

        public bool MoveNext()
        {
            var count = _map.Count;
            while (_next < count)
            {
                var id = _next++;
                if ((id & Mask) == 0 || _leaf is null)
                {
                    var leaf = _map.Leaf(id & ~Mask);
                    if (leaf.Live == 0)
                    {
                        _next = (id & ~Mask) + Fanout;
                        continue;
                    }
                    _leaf = leaf.Values;
                }
                var value = _leaf![id & Mask];
                if ((value & FreeBit) == 0)
                {
                    Id = id;
                    Pointer = value;
                    return true;
                }
            }
            return false;
        }
    }
}
