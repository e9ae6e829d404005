namespace Meridian.Sats.ModuleDef;

/// <summary>A table: its row type, key, indexes, constraints, sequences, access and defaults.</summary>
/// <param name="SourceName">The name in the module (the C# accessor).</param>
/// <param name="ProductTypeRef">Typespace index of the row type, a product.</param>
/// <param name="PrimaryKey">The primary-key column, or empty.</param>
/// <param name="Indexes">Indexes, in declaration order.</param>
/// <param name="Constraints">Unique constraints.</param>
/// <param name="Sequences">Auto-increment sequences.</param>
/// <param name="TableType">System or user.</param>
/// <param name="TableAccess">Public or private.</param>
/// <param name="DefaultValues">Values for columns added by a migration.</param>
/// <param name="IsEvent">Rows live only inside the inserting transaction.</param>
public sealed record RawTableDefV10(
    string SourceName,
    uint ProductTypeRef,
    IReadOnlyList<ushort> PrimaryKey,
    IReadOnlyList<RawIndexDefV10> Indexes,
    IReadOnlyList<RawConstraintDefV10> Constraints,
    IReadOnlyList<RawSequenceDefV10> Sequences,
    TableType TableType,
    TableAccess TableAccess,
    IReadOnlyList<RawColumnDefaultValueV10> DefaultValues,
    bool IsEvent);

/// <summary>An index over some columns of a table.</summary>
/// <param name="SourceName">Generated name, e.g. <c>user_id_idx_btree</c> (from source names).</param>
/// <param name="AccessorName">The name of the C# accessor property.</param>
/// <param name="Algorithm">BTree, Hash or Direct and the columns.</param>
public sealed record RawIndexDefV10(string? SourceName, string? AccessorName, RawIndexAlgorithm Algorithm);

/// <summary>The sum <c>RawIndexAlgorithm</c>: 0 BTree(columns), 1 Hash(columns), 2 Direct(column).</summary>
/// <param name="Kind">Which algorithm.</param>
/// <param name="Columns">The indexed columns (exactly one for Direct).</param>
public sealed record RawIndexAlgorithm(RawIndexAlgorithmKind Kind, IReadOnlyList<ushort> Columns)
{
    /// <summary>A btree index over <paramref name="columns"/>.</summary>
    public static RawIndexAlgorithm BTree(params ushort[] columns) => new(RawIndexAlgorithmKind.BTree, columns);

    /// <summary>The generated-name suffix: <c>btree</c>, <c>hash</c> or <c>direct</c>.</summary>
    public string NameSuffix => Kind switch
    {
        RawIndexAlgorithmKind.BTree => "btree",
        RawIndexAlgorithmKind.Hash => "hash",
        _ => "direct",
    };
}

/// <summary>Tags of <see cref="RawIndexAlgorithm"/>; they may only grow.</summary>
public enum RawIndexAlgorithmKind : byte
{
    /// <summary>Ordered index; prefix and range scans.</summary>
    BTree = 0,
    /// <summary>Hash index; point lookups.</summary>
    Hash = 1,
    /// <summary>Direct index on one small unsigned integer column.</summary>
    Direct = 2,
}

/// <summary>A constraint; the only kind is <c>Unique(columns)</c> (tag 0).</summary>
/// <param name="SourceName">Optional name.</param>
/// <param name="UniqueColumns">The columns whose combination is unique.</param>
public sealed record RawConstraintDefV10(string? SourceName, IReadOnlyList<ushort> UniqueColumns);

/// <summary>A sequence feeding an auto-increment column.</summary>
/// <param name="SourceName">Optional name.</param>
/// <param name="Column">The column.</param>
/// <param name="Start">First value, or null for the default.</param>
/// <param name="MinValue">Smallest value, or null for the column type's.</param>
/// <param name="MaxValue">Largest value, or null for the column type's.</param>
/// <param name="Increment">Step.</param>
public sealed record RawSequenceDefV10(string? SourceName, ushort Column, Int128? Start, Int128? MinValue, Int128? MaxValue, Int128 Increment);

/// <summary>The default value of a column, BSATN-encoded with the column's type.</summary>
/// <param name="ColId">The column.</param>
/// <param name="Value">BSATN of the value.</param>
public sealed record RawColumnDefaultValueV10(ushort ColId, byte[] Value);

/// <summary>A named type: its scoped name and typespace index.</summary>
/// <param name="SourceName">Scope and name.</param>
/// <param name="Ty">Typespace index of a product or sum.</param>
/// <param name="CustomOrdering">Whether the type orders by declaration rather than by name.</param>
public sealed record RawTypeDefV10(RawScopedTypeNameV10 SourceName, uint Ty, bool CustomOrdering);

/// <summary>A type name with its namespace scope.</summary>
/// <param name="Scope">Enclosing scopes.</param>
/// <param name="SourceName">The name.</param>
public sealed record RawScopedTypeNameV10(IReadOnlyList<string> Scope, string SourceName);
