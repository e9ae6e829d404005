using System.Buffers;
using Meridian.Sats.Bsatn;
using Meridian.Sats.ModuleDef;
using Meridian.Sats.Types;
using Meridian.Sats.Values;
using SpacetimeDB;
using SpacetimeDB.Internal;

namespace Meridian.Module.Tests;

/// <summary>
/// A small in-memory <see cref="IDatabaseHost"/> driven by a module definition: set semantics,
/// unique constraints, auto-increment on zero, point index scans. It has no transactions, so a
/// failing reducer's earlier writes stay; the checks here are that errors surface as exceptions.
/// </summary>
internal sealed class InMemoryHost : IDatabaseHost
{
    private readonly Typespace _typespace;
    private readonly List<Table> _tables = [];

    public InMemoryHost(RawModuleDef def, Identity databaseIdentity)
    {
        DatabaseIdentity = databaseIdentity;
        _typespace = def.V10.Typespace!;
        foreach (var t in def.V10.Tables ?? [])
            _tables.Add(new Table(t, (ProductType)_typespace[t.ProductTypeRef]));
    }

    public Identity DatabaseIdentity { get; }

    public List<(LogLevel Level, string Message)> Logs { get; } = [];

    public IReadOnlyList<byte[]> Rows(int table) => _tables[table].Rows.Select(r => r.Bytes).ToList();

    public ulong TableCount(int table) => (ulong)_tables[table].Rows.Count;

    public IReadOnlyList<ReadOnlyMemory<byte>> TableScan(int table) => _tables[table].Rows.Select(r => (ReadOnlyMemory<byte>)r.Bytes).ToList();

    public void Insert(int table, ReadOnlySpan<byte> row, IBufferWriter<byte> generatedColumns)
    {
        var t = _tables[table];
        var value = Decode(t, row);
        var elements = Elements(value).ToArray();
        var generated = new BsatnWriter(16);
        foreach (var seq in t.Def.Sequences.OrderBy(s => s.Column))
        {
            if (!IsZero(elements[seq.Column]))
                continue;
            var next = ++t.Sequences[seq.Column];
            elements[seq.Column] = FromLong(t.RowType.Elements[seq.Column].Type, next);
            elements[seq.Column].WriteBsatn(generated);
        }
        var final = AlgebraicValue.Product(elements);
        var w = new BsatnWriter(64);
        final.WriteBsatn(w);
        if (t.Rows.Any(r => r.Value.Equals(final)))
            return; // set semantics: an identical row is already there
        foreach (var constraint in t.Def.Constraints)
        {
            if (t.Rows.Any(r => constraint.UniqueColumns.All(c => Elements(r.Value)[c].Equals(elements[c]))))
                throw new UniqueConstraintViolationException();
        }
        t.Rows.Add((w.ToArray(), final));
        generatedColumns.Write(generated.WrittenSpan);
    }

    public bool Delete(int table, ReadOnlySpan<byte> row)
    {
        var t = _tables[table];
        var value = Decode(t, row);
        return t.Rows.RemoveAll(r => r.Value.Equals(value)) > 0;
    }

    public ulong Clear(int table)
    {
        var n = (ulong)_tables[table].Rows.Count;
        _tables[table].Rows.Clear();
        return n;
    }

    public IReadOnlyList<ReadOnlyMemory<byte>> IndexScanPoint(int table, int index, ReadOnlySpan<byte> key, int keyColumns) =>
        Matching(table, index, key, keyColumns).Select(r => (ReadOnlyMemory<byte>)r.Bytes).ToList();

    public IReadOnlyList<ReadOnlyMemory<byte>> IndexScanRange(
        int table, int index, ReadOnlySpan<byte> prefix, int prefixColumns, ReadOnlySpan<byte> min, ReadOnlySpan<byte> max) =>
        throw new NotSupportedException("The in-memory test host has no range scans.");

    public ulong IndexDeletePoint(int table, int index, ReadOnlySpan<byte> key, int keyColumns)
    {
        var hits = Matching(table, index, key, keyColumns).ToList();
        _tables[table].Rows.RemoveAll(hits.Contains);
        return (ulong)hits.Count;
    }

    public ulong IndexDeleteRange(int table, int index, ReadOnlySpan<byte> prefix, int prefixColumns, ReadOnlySpan<byte> min, ReadOnlySpan<byte> max) =>
        throw new NotSupportedException("The in-memory test host has no range scans.");

    public bool UniqueFind(int table, int index, ReadOnlySpan<byte> key, out ReadOnlyMemory<byte> row)
    {
        var hits = Matching(table, index, key, 1).ToList();
        row = hits.Count == 1 ? hits[0].Bytes : default;
        return hits.Count == 1;
    }

    public bool UniqueDelete(int table, int index, ReadOnlySpan<byte> key) => IndexDeletePoint(table, index, key, 1) > 0;

    public void UniqueUpdate(int table, int index, ReadOnlySpan<byte> row, IBufferWriter<byte> generatedColumns)
    {
        var t = _tables[table];
        var column = t.Def.Indexes[index].Algorithm.Columns[0];
        var value = Decode(t, row);
        var existing = t.Rows.FindIndex(r => Elements(r.Value)[column].Equals(Elements(value)[column]));
        if (existing < 0)
            throw new NoSuchRowException();
        var old = t.Rows[existing];
        t.Rows.RemoveAt(existing);
        try
        {
            Insert(table, row, generatedColumns);
        }
        catch
        {
            t.Rows.Insert(existing, old);
            throw;
        }
    }

    public void Log(LogLevel level, string message, string target, string file, int line) => Logs.Add((level, message));

    private List<(byte[] Bytes, AlgebraicValue Value)> Matching(int table, int index, ReadOnlySpan<byte> key, int keyColumns)
    {
        var t = _tables[table];
        var columns = t.Def.Indexes[index].Algorithm.Columns.Take(keyColumns).ToArray();
        var reader = new BsatnReader(key);
        var wanted = new AlgebraicValue[columns.Length];
        for (var i = 0; i < columns.Length; i++)
            wanted[i] = AlgebraicValue.ReadBsatn(ref reader, t.RowType.Elements[columns[i]].Type, _typespace);
        reader.EnsureAtEnd("key");
        return t.Rows.Where(r => columns.Select((c, i) => Elements(r.Value)[c].Equals(wanted[i])).All(x => x)).ToList();
    }

    private AlgebraicValue Decode(Table t, ReadOnlySpan<byte> row) => AlgebraicValue.FromBsatn(row, t.RowType, _typespace);

    private static IReadOnlyList<AlgebraicValue> Elements(AlgebraicValue v) => ((ProductValue)v).Elements;

    private static bool IsZero(AlgebraicValue v) =>
        v.Kind is AlgebraicTypeTag.I32 or AlgebraicTypeTag.U32 or AlgebraicTypeTag.I64 or AlgebraicTypeTag.U64
        && v.Equals(FromLong(AlgebraicType.Primitive(v.Kind), 0));

    private static AlgebraicValue FromLong(AlgebraicType type, long n) => type.Tag switch
    {
        AlgebraicTypeTag.I32 => AlgebraicValue.I32((int)n),
        AlgebraicTypeTag.U32 => AlgebraicValue.U32((uint)n),
        AlgebraicTypeTag.I64 => AlgebraicValue.I64(n),
        AlgebraicTypeTag.U64 => AlgebraicValue.U64((ulong)n),
        _ => throw new NotSupportedException($"The in-memory test host has no sequences over {type}."),
    };

    private sealed class Table(RawTableDefV10 def, ProductType rowType)
    {
        public RawTableDefV10 Def { get; } = def;

        public ProductType RowType { get; } = rowType;

        public List<(byte[] Bytes, AlgebraicValue Value)> Rows { get; } = [];

        public Dictionary<ushort, long> Sequences { get; } = def.Sequences.ToDictionary(s => s.Column, _ => 0L);
    }
}
