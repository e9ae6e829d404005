using System.Collections;
using System.Diagnostics.CodeAnalysis;
using Meridian.Sats.Bsatn;
using SpacetimeDB.BSATN;

namespace SpacetimeDB.Internal;

/// <summary>Writes host-generated column values back into a row that was just inserted or updated.</summary>
public delegate TRow GeneratedFieldsReader<TRow>(ref BsatnReader reader, TRow row);

/// <summary>
/// The table operations the generated handles call: encode with <typeparamref name="TRW"/>, call
/// the bound <see cref="IDatabaseHost"/>, decode. <c>table</c> and <c>index</c> are positions in
/// the module definition (see <see cref="IDatabaseHost"/>).
/// </summary>
[SuppressMessage(
    "Design",
    "CA1000",
    Justification = "Called only by generated table handles, which name the row type and its serializer once per table; " +
        "making them method type arguments would add them to every index call beside the key's.")]
public static class TableOps<TRow, TRW>
    where TRW : struct, IReadWrite<TRow>
{
    /// <summary>Row count.</summary>
    public static ulong Count(int table) => ModuleHost.Current.TableCount(table);

    /// <summary>All rows, snapshotted at the first <c>MoveNext</c>.</summary>
    public static IEnumerable<TRow> Iter(int table) => new Snapshot(host => host.TableScan(table));

    /// <summary>Inserts; returns the row with generated values filled in.</summary>
    public static TRow Insert(int table, TRow row, GeneratedFieldsReader<TRow>? readGenerated)
    {
        var host = ModuleHost.Current;
        var w = ModuleHost.RowWriter();
        default(TRW).Write(w, row);
        var gen = ModuleHost.GeneratedWriter();
        host.Insert(table, w.WrittenSpan, gen);
        return ApplyGenerated(row, gen, readGenerated);
    }

    /// <summary>Deletes the row equal to <paramref name="row"/>.</summary>
    public static bool Delete(int table, TRow row)
    {
        var host = ModuleHost.Current;
        var w = ModuleHost.RowWriter();
        default(TRW).Write(w, row);
        return host.Delete(table, w.WrittenSpan);
    }

    /// <summary>Deletes all rows.</summary>
    public static ulong Clear(int table) => ModuleHost.Current.Clear(table);

    /// <summary>Looks a key up in a unique index.</summary>
    public static bool TryFind<TKey, TKeyRW>(int table, int index, TKey key, out TRow row)
        where TKeyRW : struct, IReadWrite<TKey>
    {
        var host = ModuleHost.Current;
        var w = ModuleHost.RowWriter();
        default(TKeyRW).Write(w, key);
        if (!host.UniqueFind(table, index, w.WrittenSpan, out var bytes))
        {
            row = default!;
            return false;
        }
        row = Decode(bytes);
        return true;
    }

    /// <summary>Deletes by a unique key.</summary>
    public static bool DeleteByKey<TKey, TKeyRW>(int table, int index, TKey key)
        where TKeyRW : struct, IReadWrite<TKey>
    {
        var host = ModuleHost.Current;
        var w = ModuleHost.RowWriter();
        default(TKeyRW).Write(w, key);
        return host.UniqueDelete(table, index, w.WrittenSpan);
    }

    /// <summary>Replaces the row with the same primary key; returns the stored row.</summary>
    public static TRow Update(int table, int index, TRow row, GeneratedFieldsReader<TRow>? readGenerated)
    {
        var host = ModuleHost.Current;
        var w = ModuleHost.RowWriter();
        default(TRW).Write(w, row);
        var gen = ModuleHost.GeneratedWriter();
        host.UniqueUpdate(table, index, w.WrittenSpan, gen);
        return ApplyGenerated(row, gen, readGenerated);
    }

    /// <summary>Rows matching a btree key or range, snapshotted at the first <c>MoveNext</c>.</summary>
    public static IEnumerable<TRow> Filter(int table, int index, IndexKey key) => key.IsRange
        ? new Snapshot(host => host.IndexScanRange(table, index, key.Prefix, key.PrefixColumns, key.Min, key.Max))
        : new Snapshot(host => host.IndexScanPoint(table, index, key.Prefix, key.PrefixColumns));

    /// <summary>Deletes rows matching a btree key or range; returns the count.</summary>
    public static ulong DeleteMatching(int table, int index, IndexKey key) => key.IsRange
        ? ModuleHost.Current.IndexDeleteRange(table, index, key.Prefix, key.PrefixColumns, key.Min, key.Max)
        : ModuleHost.Current.IndexDeletePoint(table, index, key.Prefix, key.PrefixColumns);

    private static TRow ApplyGenerated(TRow row, BsatnWriter gen, GeneratedFieldsReader<TRow>? readGenerated)
    {
        if (gen.Length == 0 || readGenerated is null)
            return row;
        var reader = new BsatnReader(gen.WrittenSpan);
        row = readGenerated(ref reader, row);
        reader.EnsureAtEnd("generated columns");
        return row;
    }

    private static TRow Decode(ReadOnlyMemory<byte> bytes)
    {
        var reader = new BsatnReader(bytes.Span);
        var row = default(TRW).Read(ref reader);
        reader.EnsureAtEnd("row");
        return row;
    }

    // Lazy like upstream: the host is asked for its snapshot when enumeration starts, not when Iter() is called.
    private sealed class Snapshot(Func<IDatabaseHost, IReadOnlyList<ReadOnlyMemory<byte>>> fetch) : IEnumerable<TRow>
    {
        public IEnumerator<TRow> GetEnumerator()
        {
            var rows = fetch(ModuleHost.Current);
            for (var i = 0; i < rows.Count; i++)
                yield return Decode(rows[i]);
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

/// <summary>
/// A btree lookup built by generated index accessors: equal leading columns, optionally followed
/// by an inclusive range on the next column. Bytes are copied, so a lazy filter keeps them.
/// </summary>
public sealed class IndexKey
{
    private readonly BsatnWriter _prefix = new(32);
    private byte[]? _min;
    private byte[]? _max;

    /// <summary>BSATN of the leading equal columns.</summary>
    public ReadOnlySpan<byte> Prefix => _prefix.WrittenSpan;

    /// <summary>How many leading columns are fixed.</summary>
    public int PrefixColumns { get; private set; }

    /// <summary>Whether a range column follows the prefix.</summary>
    public bool IsRange => _min is not null;

    /// <summary>BSATN of the range's lower end (inclusive).</summary>
    public ReadOnlySpan<byte> Min => _min;

    /// <summary>BSATN of the range's upper end (inclusive).</summary>
    public ReadOnlySpan<byte> Max => _max;

    /// <summary>Adds an equal column.</summary>
    public IndexKey Eq<T, TRW>(T value)
        where TRW : struct, IReadWrite<T>
    {
        if (IsRange)
            throw new InvalidOperationException("A range column must come last.");
        default(TRW).Write(_prefix, value);
        PrefixColumns++;
        return this;
    }

    /// <summary>Adds the final range column.</summary>
    public IndexKey Range<T, TRW>(Bound<T> bound)
        where TRW : struct, IReadWrite<T>
    {
        if (IsRange)
            throw new InvalidOperationException("Only one range column is allowed.");
        var w = new BsatnWriter(16);
        default(TRW).Write(w, bound.Min);
        _min = w.ToArray();
        w.Reset();
        default(TRW).Write(w, bound.Max);
        _max = w.ToArray();
        return this;
    }
}
