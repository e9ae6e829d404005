using System.Numerics;
using Meridian.Query.Plans;
using Meridian.Query.Sql;
using Meridian.Sats.Bsatn;
using Meridian.Sats.Numerics;
using Meridian.Sats.Rows;
using Meridian.Sats.Types;
using Meridian.Sats.Values;

namespace Meridian.Query.Execution;

/// <summary>
/// Groups tuples and keeps each group's aggregates, taking tuples in (sign +1) and out (sign -1), so
/// one class serves an ad-hoc GROUP BY and a live one. MIN and MAX keep every value of the group in
/// order, so removing the current minimum finds the next one without rescanning.
/// </summary>
internal sealed class Aggregator
{
    private readonly QueryBlock _block;
    private readonly Projection.Aggregate _spec;
    private readonly ValueComparer?[] _comparers;
    private readonly Dictionary<ByteKey, Group> _groups = [];
    private readonly BsatnWriter _key = new(64);

    public Aggregator(QueryBlock block, Projection.Aggregate spec)
    {
        _block = block;
        _spec = spec;
        _comparers = spec.Items.Select(i => i is OutputItem.Call { Function: SqlAggregate.Min or SqlAggregate.Max } c
            ? ValueComparer.For(c.ArgumentType, c.ArgumentTypespace)
            : null).ToArray();
    }

    /// <summary>Groups whose output changed since <see cref="TakeChanged"/> was last called.</summary>
    private readonly Dictionary<ByteKey, Group> _changed = [];

    /// <summary>Adds (sign +1) or removes (sign -1) one tuple.</summary>
    public void Add(ReadOnlyMemory<byte>[] tuple, int sign)
    {
        _key.Reset();
        foreach (var g in _spec.GroupBy)
            _key.WriteRaw(Column(tuple, g));
        var keyBytes = _key.ToArray();
        var key = new ByteKey(keyBytes);
        if (!_groups.TryGetValue(key, out var group))
        {
            if (sign < 0)
                throw new InvalidOperationException("A tuple left a group that does not exist.");
            group = new Group(keyBytes, _spec.Items.Count);
            _groups[key] = group;
        }
        if (!_changed.ContainsKey(key))
        {
            group.Before = group.Count == 0 && _spec.GroupBy.Count > 0 ? null : Output(group);
            _changed[key] = group;
        }
        group.Count += sign;
        for (var i = 0; i < _spec.Items.Count; i++)
        {
            if (_spec.Items[i] is not OutputItem.Call { Argument: { } argument } call)
                continue;
            var bytes = Column(tuple, argument);
            switch (call.Function)
            {
                case SqlAggregate.Count:
                    // COUNT(column) counts the rows where an optional column holds a value.
                    if (!IsNone(call.ArgumentType, bytes))
                        group.Counts[i] += sign;
                    break;
                case SqlAggregate.Sum:
                    if (call.ResultType.Tag == AlgebraicTypeTag.F64)
                        group.FloatSums[i] += sign * ToDouble(call.ArgumentType, bytes);
                    else
                        group.Sums[i] += sign * ToInteger(call.ArgumentType, bytes);
                    break;
                default:
                {
                    var comparer = _comparers[i]!;
                    var values = group.Values[i] ??= new SortedDictionary<byte[], int>(Comparer<byte[]>.Create((a, b) => comparer.Compare(a, b)));
                    var copy = bytes.ToArray();
                    var n = values.GetValueOrDefault(copy) + sign;
                    if (n == 0)
                        values.Remove(copy);
                    else
                        values[copy] = n;
                    break;
                }
            }
        }
    }

    private ReadOnlySpan<byte> Column(ReadOnlyMemory<byte>[] tuple, ColumnRef column) =>
        _block.Sources[column.Source].Table.Layout.Column(tuple[column.Source].Span, column.Column);

    /// <summary>The result rows: one per group, or exactly one without GROUP BY (even for no input).</summary>
    public List<ProductValue> Rows()
    {
        if (_spec.GroupBy.Count == 0)
            return [Output(_groups.Values.FirstOrDefault() ?? new Group([], _spec.Items.Count))];
        return _groups.Values.Where(g => g.Count > 0).Select(Output).ToList();
    }

    /// <summary>
    /// The groups whose result row changed since the last call: the row each had before (null for a
    /// new group) and has now (null for a group that emptied).
    /// </summary>
    public List<(ProductValue? Before, ProductValue? After)> TakeChanged()
    {
        var result = new List<(ProductValue?, ProductValue?)>(_changed.Count);
        foreach (var (key, group) in _changed)
        {
            // An emptied group goes (without GROUP BY the one group stays, with its zero aggregates).
            if (group.Count == 0 && _spec.GroupBy.Count > 0)
                _groups.Remove(key);
            ProductValue? after = group.Count == 0 && _spec.GroupBy.Count > 0 ? null : Output(group);
            if (group.Before is null && after is null)
                continue;
            if (group.Before is not null && after is not null && group.Before.Equals(after))
                continue;
            result.Add((group.Before, after));
        }
        _changed.Clear();
        return result;
    }

    private ProductValue Output(Group group)
    {
        var values = new AlgebraicValue[_spec.Items.Count];
        for (var i = 0; i < _spec.Items.Count; i++)
        {
            var item = _spec.Items[i];
            values[i] = item switch
            {
                OutputItem.GroupColumn g => GroupValue(group, g),
                OutputItem.Call { Function: SqlAggregate.Count, Argument: null } => AlgebraicValue.U64((ulong)group.Count),
                OutputItem.Call { Function: SqlAggregate.Count } => AlgebraicValue.U64((ulong)group.Counts[i]),
                OutputItem.Call { Function: SqlAggregate.Sum } call => SumValue(call, group, i),
                OutputItem.Call call => Extreme(call, group.Values[i], call.Function == SqlAggregate.Min),
                _ => throw new InvalidOperationException($"Unknown result column {item}."),
            };
        }
        return AlgebraicValue.Product(values);
    }

    // A group column's value, read from the group key (the group columns' bytes back to back).
    private AlgebraicValue GroupValue(Group group, OutputItem.GroupColumn g)
    {
        var reader = new BsatnReader(group.Key);
        foreach (var column in _spec.GroupBy)
        {
            var table = _block.Sources[column.Source].Table;
            var type = table.Schema.ColumnTypes[column.Column];
            if (column == g.Ref)
                return AlgebraicValue.ReadBsatn(ref reader, type, table.Schema.Typespace);
            AlgebraicValue.ReadBsatn(ref reader, type, table.Schema.Typespace);
        }
        throw new InvalidOperationException($"{g.Ref} is not a group column.");
    }

    private static AlgebraicValue SumValue(OutputItem.Call call, Group group, int i) => call.ResultType.Tag switch
    {
        AlgebraicTypeTag.F64 => AlgebraicValue.F64(group.FloatSums[i]),
        AlgebraicTypeTag.I128 => AlgebraicValue.I128((Int128)group.Sums[i]),
        AlgebraicTypeTag.U128 => AlgebraicValue.U128((UInt128)group.Sums[i]),
        AlgebraicTypeTag.I256 => AlgebraicValue.I256(Int256.FromBigInteger(group.Sums[i])),
        _ => AlgebraicValue.U256(UInt256.FromBigInteger(group.Sums[i])),
    };

    private AlgebraicValue Extreme(OutputItem.Call call, SortedDictionary<byte[], int>? values, bool min)
    {
        var optional = call.ResultType.SpecialKind == SpecialTypeKind.Option && !call.ArgumentType.Equals(call.ResultType);
        if (values is null || values.Count == 0)
        {
            return optional ? AlgebraicValue.OptionNone
                : throw new InvalidOperationException("A group with rows has no value for its MIN or MAX.");
        }
        var bytes = min ? values.First().Key : values.Last().Key;
        var value = AlgebraicValue.FromBsatn(bytes, call.ArgumentType, call.ArgumentTypespace);
        return optional ? AlgebraicValue.OptionSome(value) : value;
    }

    private static bool IsNone(AlgebraicType type, ReadOnlySpan<byte> bytes) =>
        type.SpecialKind == SpecialTypeKind.Option && bytes[0] == 1;

    private static BigInteger ToInteger(AlgebraicType type, ReadOnlySpan<byte> bytes)
    {
        var reader = new BsatnReader(bytes);
        return type.Tag switch
        {
            AlgebraicTypeTag.I8 => reader.ReadI8(),
            AlgebraicTypeTag.U8 => reader.ReadU8(),
            AlgebraicTypeTag.I16 => reader.ReadI16(),
            AlgebraicTypeTag.U16 => reader.ReadU16(),
            AlgebraicTypeTag.I32 => reader.ReadI32(),
            AlgebraicTypeTag.U32 => reader.ReadU32(),
            AlgebraicTypeTag.I64 => reader.ReadI64(),
            AlgebraicTypeTag.U64 => reader.ReadU64(),
            AlgebraicTypeTag.I128 => (BigInteger)reader.ReadI128(),
            AlgebraicTypeTag.U128 => (BigInteger)reader.ReadU128(),
            AlgebraicTypeTag.I256 => reader.ReadI256().ToBigInteger(),
            _ => reader.ReadU256().ToBigInteger(),
        };
    }

    private static double ToDouble(AlgebraicType type, ReadOnlySpan<byte> bytes)
    {
        var reader = new BsatnReader(bytes);
        return type.Tag == AlgebraicTypeTag.F32 ? reader.ReadF32() : reader.ReadF64();
    }

    private sealed class Group(byte[] key, int items)
    {
        public byte[] Key { get; } = key;

        public long Count { get; set; }

        public long[] Counts { get; } = new long[items];

        public BigInteger[] Sums { get; } = new BigInteger[items];

        public double[] FloatSums { get; } = new double[items];

        public SortedDictionary<byte[], int>?[] Values { get; } = new SortedDictionary<byte[], int>?[items];

        /// <summary>The group's result row before the current batch of changes (null when the group had no rows).</summary>
        public ProductValue? Before { get; set; }
    }
}
