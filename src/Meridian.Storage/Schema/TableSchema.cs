using Meridian.Sats.Types;

namespace Meridian.Storage.Schema;

/// <summary>
/// The definition of a table: its row type (a product whose elements are the columns), keys,
/// indexes, sequences, access and the event flag. Construction validates the definition and
/// normalises it: the primary key gets a unique constraint, and every unique constraint is backed
/// by a unique index (an existing index on exactly those columns, or a new btree index).
/// </summary>
public sealed class TableSchema
{
    /// <summary>Creates and validates a table definition.</summary>
    /// <param name="name">Table name, unique within the datastore.</param>
    /// <param name="rowType">The row type; its elements are the columns.</param>
    /// <param name="indexes">Indexes (single and multi-column).</param>
    /// <param name="uniqueConstraints">Unique constraints.</param>
    /// <param name="sequences">Auto-increment sequences.</param>
    /// <param name="primaryKey">Column position of the primary key, if any.</param>
    /// <param name="access">Public or private.</param>
    /// <param name="isEvent">Event table: rows live only inside the transaction that inserts them.</param>
    /// <param name="typespace">Typespace that references in column types resolve against.</param>
    public TableSchema(
        string name,
        ProductType rowType,
        IReadOnlyList<IndexSchema>? indexes = null,
        IReadOnlyList<UniqueConstraintSchema>? uniqueConstraints = null,
        IReadOnlyList<SequenceSchema>? sequences = null,
        int? primaryKey = null,
        TableAccess access = TableAccess.Public,
        bool isEvent = false,
        Typespace? typespace = null)
        : this(default, name, rowType, indexes ?? [], uniqueConstraints ?? [], sequences ?? [], primaryKey, access, isEvent, typespace ?? Typespace.Empty)
    {
    }

    private TableSchema(
        TableId id,
        string name,
        ProductType rowType,
        IReadOnlyList<IndexSchema> indexes,
        IReadOnlyList<UniqueConstraintSchema> uniqueConstraints,
        IReadOnlyList<SequenceSchema> sequences,
        int? primaryKey,
        TableAccess access,
        bool isEvent,
        Typespace typespace)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Id = id;
        Name = name;
        RowType = rowType;
        Typespace = typespace;
        PrimaryKey = primaryKey;
        Access = access;
        IsEvent = isEvent;
        ColumnTypes = rowType.Elements.Select(e => typespace.Resolve(e.Type)).ToArray();

        var columnCount = rowType.Elements.Count;
        void CheckColumn(int column, string what)
        {
            if ((uint)column >= (uint)columnCount)
                throw new ArgumentException($"Table '{name}': {what} refers to column {column}, but the table has {columnCount} column(s).");
        }

        var constraints = uniqueConstraints.ToList();
        if (primaryKey is int pk)
        {
            CheckColumn(pk, "the primary key");
            if (!constraints.Any(c => c.Columns.Count == 1 && c.Columns[0] == pk))
                constraints.Insert(0, new UniqueConstraintSchema($"{name}_{ColumnName(pk)}_key", [pk]));
        }

        var indexList = new List<IndexSchema>();
        foreach (var index in indexes)
        {
            foreach (var c in index.Columns)
                CheckColumn(c, $"index '{index.Name}'");
            if (indexList.Any(i => i.Name == index.Name))
                throw new ArgumentException($"Table '{name}' has two indexes named '{index.Name}'.");
            if (index.Columns.Distinct().Count() != index.Columns.Count)
                throw new ArgumentException($"Table '{name}': index '{index.Name}' repeats a column.");
            indexList.Add(index);
        }

        var constraintNames = new HashSet<string>();
        foreach (var constraint in constraints)
        {
            foreach (var c in constraint.Columns)
                CheckColumn(c, $"constraint '{constraint.Name}'");
            if (!constraintNames.Add(constraint.Name))
                throw new ArgumentException($"Table '{name}' has two constraints named '{constraint.Name}'.");
            var backing = indexList.FindIndex(i => i.HasColumns(constraint.Columns));
            if (backing >= 0)
            {
                indexList[backing] = indexList[backing].WithUnique(true);
            }
            else
            {
                var indexName = $"{name}_{string.Join("_", constraint.Columns.Select(ColumnName))}_idx_btree";
                while (indexList.Any(i => i.Name == indexName))
                    indexName += "_";
                indexList.Add(new IndexSchema(indexName, constraint.Columns, IndexAlgorithm.BTree, isUnique: true));
            }
        }

        var sequenceColumns = new HashSet<int>();
        foreach (var sequence in sequences)
        {
            CheckColumn(sequence.Column, $"sequence '{sequence.Name}'");
            if (!sequenceColumns.Add(sequence.Column))
                throw new ArgumentException($"Table '{name}' has two sequences on column {ColumnName(sequence.Column)}.");
            var (min, max) = IntegerRange(ColumnTypes[sequence.Column].Tag)
                ?? throw new ArgumentException(
                    $"Table '{name}': sequence '{sequence.Name}' is on column '{ColumnName(sequence.Column)}' of type {ColumnTypes[sequence.Column]}, which is "
                        + "not an integer.");
            if (sequence.Min < min || sequence.Max > max)
                throw new ArgumentException(
                    $"Table '{name}': sequence '{sequence.Name}' range [{sequence.Min}, {sequence.Max}] does not fit column type "
                        + $"{ColumnTypes[sequence.Column]}.");
        }

        Indexes = indexList;
        UniqueConstraints = constraints;
        Sequences = sequences.ToArray();
    }

    /// <summary>The table's id; assigned when the table is created in a datastore (default before that).</summary>
    public TableId Id { get; }

    /// <summary>Table name, unique within the datastore.</summary>
    public string Name { get; }

    /// <summary>The row type; its elements are the columns.</summary>
    public ProductType RowType { get; }

    /// <summary>Typespace that references in column types resolve against.</summary>
    public Typespace Typespace { get; }

    /// <summary>Column types with references resolved, by column position.</summary>
    public IReadOnlyList<AlgebraicType> ColumnTypes { get; }

    /// <summary>Column position of the primary key, if any.</summary>
    public int? PrimaryKey { get; }

    /// <summary>All indexes, including those created to back unique constraints. An index id is a position in this list.</summary>
    public IReadOnlyList<IndexSchema> Indexes { get; }

    /// <summary>Unique constraints, including the one implied by the primary key.</summary>
    public IReadOnlyList<UniqueConstraintSchema> UniqueConstraints { get; }

    /// <summary>Auto-increment sequences.</summary>
    public IReadOnlyList<SequenceSchema> Sequences { get; }

    /// <summary>Public or private.</summary>
    public TableAccess Access { get; }

    /// <summary>Event table: rows are visible to the inserting transaction and in its changeset, never in committed state.</summary>
    public bool IsEvent { get; }

    /// <summary>Number of columns.</summary>
    public int ColumnCount => RowType.Elements.Count;

    /// <summary>Name of a column (its position when unnamed).</summary>
    public string ColumnName(int column) =>
        RowType.Elements[column].Name ?? column.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Position of the column named <paramref name="name"/>, or -1.</summary>
    public int ColumnIndex(string name) => RowType.IndexOf(name);

    /// <summary>Position of the index named <paramref name="name"/>, or -1.</summary>
    public int IndexId(string name)
    {
        for (var i = 0; i < Indexes.Count; i++)
        {
            if (Indexes[i].Name == name)
                return i;
        }
        return -1;
    }

    /// <summary>Position of the unique index on exactly <paramref name="columns"/>, or -1.</summary>
    public int UniqueIndexOn(params int[] columns)
    {
        for (var i = 0; i < Indexes.Count; i++)
        {
            if (Indexes[i].IsUnique && Indexes[i].HasColumns(columns))
                return i;
        }
        return -1;
    }

    /// <summary>Position of an index whose key starts with exactly <paramref name="columns"/>, or -1.</summary>
    public int IndexOn(params int[] columns)
    {
        for (var i = 0; i < Indexes.Count; i++)
        {
            if (Indexes[i].HasColumns(columns))
                return i;
        }
        return -1;
    }

    /// <summary>The unique index backing the primary key, or -1 when there is no primary key.</summary>
    public int PrimaryKeyIndex => PrimaryKey is int pk ? UniqueIndexOn(pk) : -1;

    /// <summary>The same definition with id <paramref name="id"/>.</summary>
    public TableSchema WithId(TableId id) =>
        new(id, Name, RowType, Indexes, UniqueConstraints, Sequences, PrimaryKey, Access, IsEvent, Typespace);

    internal UniqueConstraintSchema? ConstraintFor(IndexSchema index) =>
        UniqueConstraints.FirstOrDefault(c => index.HasColumns(c.Columns));

    /// <summary>The values a sequence on a column of this integer type may take, or null when it is not an integer type.</summary>
    public static (Int128 Min, Int128 Max)? IntegerRange(AlgebraicTypeTag tag) => tag switch
    {
        AlgebraicTypeTag.I8 => (sbyte.MinValue, sbyte.MaxValue),
        AlgebraicTypeTag.U8 => (byte.MinValue, byte.MaxValue),
        AlgebraicTypeTag.I16 => (short.MinValue, short.MaxValue),
        AlgebraicTypeTag.U16 => (ushort.MinValue, ushort.MaxValue),
        AlgebraicTypeTag.I32 => (int.MinValue, int.MaxValue),
        AlgebraicTypeTag.U32 => (uint.MinValue, uint.MaxValue),
        AlgebraicTypeTag.I64 => (long.MinValue, long.MaxValue),
        AlgebraicTypeTag.U64 => (ulong.MinValue, ulong.MaxValue),
        AlgebraicTypeTag.I128 => (Int128.MinValue, Int128.MaxValue),
        AlgebraicTypeTag.U128 => (0, Int128.MaxValue),
        _ => null,
    };

    /// <inheritdoc />
    public override string ToString() => $"{Name}#{Id} {RowType}";
}
