using Meridian.Sats.ModuleDef;
using Meridian.Sats.Types;

namespace Meridian.Codegen.Model;

/// <summary>A table or a view as a client sees it.</summary>
/// <param name="AccessorName">The name in the module's source (<c>ctx.Db.&lt;AccessorName&gt;</c>).</param>
/// <param name="Name">The canonical name: on the wire and in SQL.</param>
/// <param name="RowRef">Typespace index of the row type.</param>
/// <param name="Row">The row type.</param>
/// <param name="Columns">The columns, in row order.</param>
/// <param name="PrimaryKey">The primary-key column, if any.</param>
/// <param name="Indexes">The indexes, by name.</param>
/// <param name="Constraints">The unique constraints, by name.</param>
/// <param name="AutoIncrementColumns">Columns fed by a sequence.</param>
/// <param name="IsPublic">Whether clients may subscribe to it.</param>
/// <param name="IsEvent">Rows live only inside the inserting transaction.</param>
/// <param name="IsView">A view rather than a table.</param>
/// <param name="ScheduledReducer">The reducer a scheduled table calls, or null.</param>
/// <param name="ScheduleAtColumn">The scheduled table's <c>ScheduleAt</c> column, or null.</param>
public sealed record TableModel(
    string AccessorName,
    string Name,
    uint RowRef,
    ProductType Row,
    IReadOnlyList<ColumnModel> Columns,
    int? PrimaryKey,
    IReadOnlyList<IndexModel> Indexes,
    IReadOnlyList<ConstraintModel> Constraints,
    IReadOnlyList<int> AutoIncrementColumns,
    bool IsPublic,
    bool IsEvent,
    bool IsView,
    string? ScheduledReducer,
    ushort? ScheduleAtColumn);

/// <summary>A column.</summary>
/// <param name="SourceName">The field name in the module's source.</param>
/// <param name="Name">The canonical name (SQL, query builders).</param>
/// <param name="Type">Its type (references unresolved).</param>
public sealed record ColumnModel(string SourceName, string Name, AlgebraicType Type);

/// <summary>An index.</summary>
/// <param name="Name">The canonical index name.</param>
/// <param name="AccessorName">The accessor in the module's source; null for an index the system made (clients do not see those).</param>
/// <param name="Algorithm">BTree, hash or direct.</param>
/// <param name="Columns">The indexed columns.</param>
public sealed record IndexModel(string Name, string? AccessorName, RawIndexAlgorithmKind Algorithm, IReadOnlyList<int> Columns);

/// <summary>A unique constraint.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Columns">The columns whose combination is unique.</param>
public sealed record ConstraintModel(string Name, IReadOnlyList<int> Columns);

/// <summary>A reducer or a procedure.</summary>
/// <param name="AccessorName">The method name in the module's source.</param>
/// <param name="Name">The canonical name clients call.</param>
/// <param name="Params">The parameters after the context.</param>
/// <param name="ReturnType">A procedure's return type; null for a reducer.</param>
/// <param name="ClientCallable">Whether clients may call it.</param>
/// <param name="Lifecycle">The lifecycle event a reducer handles, if any.</param>
public sealed record FunctionModel(string AccessorName, string Name, ProductType Params, AlgebraicType? ReturnType, bool ClientCallable, Lifecycle? Lifecycle)
{
    /// <summary>A reducer clients may call: client-callable and not bound to a lifecycle event.</summary>
    public bool IsInvokable => ClientCallable && Lifecycle is null;
}

/// <summary>A named type of the module.</summary>
/// <param name="Name">The generated name: the PascalCase scope and name joined.</param>
/// <param name="SourceName">The name in the module's source.</param>
/// <param name="Ref">Its typespace index.</param>
/// <param name="Definition">Its definition (a product or a sum).</param>
public sealed record NamedType(string Name, string SourceName, uint Ref, AlgebraicType Definition)
{
    /// <summary>A sum whose variants all carry nothing: a C# <c>enum</c>.</summary>
    public bool IsPlainEnum => Definition is SumType { Variants.Count: > 0 } s && s.IsSimpleEnum;
}
