using System.Diagnostics.CodeAnalysis;

namespace SpacetimeDB;

/// <summary>Declares a table backed by the annotated struct or class; one attribute per table.</summary>
[AttributeUsage(AttributeTargets.Struct | AttributeTargets.Class, AllowMultiple = true)]
public sealed class TableAttribute : Attribute
{
    /// <summary>The accessor: <c>ctx.Db.&lt;Accessor&gt;</c> and the table's source name. Defaults to the type name.</summary>
    public string? Accessor { get; init; }

    /// <summary>An explicit canonical name, used verbatim in SQL and by clients.</summary>
    public string? Name { get; init; }

    /// <summary>Whether any client may subscribe to the table.</summary>
    public bool Public { get; init; }

    /// <summary>Rows exist only inside the inserting transaction and are broadcast on commit.</summary>
    public bool Event { get; init; }

    /// <summary>The reducer or procedure that each row schedules.</summary>
    public string? Scheduled { get; init; }

    /// <summary>The field holding the row's <see cref="ScheduleAt"/>.</summary>
    public string ScheduledAt { get; init; } = "ScheduledAt";
}

/// <summary>Base of the column attributes: <see cref="Table"/> restricts one to a single table of the type.</summary>
public abstract class ColumnAttribute : Attribute
{
    /// <summary>The accessor of the table this applies to, or null for all tables of the type.</summary>
    public string? Table { get; init; }
}

/// <summary>The table's primary key (implies unique); at most one per table.</summary>
[AttributeUsage(AttributeTargets.Field, AllowMultiple = true)]
public sealed class PrimaryKeyAttribute : ColumnAttribute;

/// <summary>A unique column (implies a btree index).</summary>
[AttributeUsage(AttributeTargets.Field, AllowMultiple = true)]
public sealed class UniqueAttribute : ColumnAttribute;

/// <summary>An auto-increment integer column: inserting zero takes the next sequence value.</summary>
[AttributeUsage(AttributeTargets.Field, AllowMultiple = true)]
public sealed class AutoIncAttribute : ColumnAttribute;

/// <summary>The value a migration uses when it adds this column.</summary>
/// <param name="value">A constant of the column's type.</param>
[AttributeUsage(AttributeTargets.Field)]
public sealed class DefaultAttribute(object? value) : ColumnAttribute
{
    /// <summary>The default value.</summary>
    public object? Value { get; } = value;
}

/// <summary>Index attributes; use <see cref="BTreeAttribute"/> as <c>[SpacetimeDB.Index.BTree]</c>.</summary>
[SuppressMessage("Naming", "CA1710", Justification = "Upstream's name: modules write [SpacetimeDB.Index.BTree], so the base must be called Index.")]
public abstract class Index : Attribute
{
    private Index()
    {
    }

    /// <summary>A btree index on a field, or on several columns when placed on the type.</summary>
    [AttributeUsage(AttributeTargets.Field | AttributeTargets.Struct | AttributeTargets.Class, AllowMultiple = true)]
    public sealed class BTreeAttribute : Index
    {
        /// <summary>The accessor property on the table handle (required on a type).</summary>
        public string? Accessor { get; init; }

        /// <summary>An explicit canonical index name.</summary>
        public string? Name { get; init; }

        /// <summary>The table accessor this index belongs to, or null for all.</summary>
        public string? Table { get; init; }

        /// <summary>The indexed fields, in order (type-level only).</summary>
        public string[] Columns { get; init; } = [];
    }
}

/// <summary>Marks a struct, class, record or enum as a SpacetimeDB type.</summary>
[AttributeUsage(AttributeTargets.Struct | AttributeTargets.Class | AttributeTargets.Enum)]
public sealed class TypeAttribute : Attribute;

/// <summary>What a reducer is called for.</summary>
public enum ReducerKind
{
    /// <summary>A reducer clients call.</summary>
    UserDefined = 0,
    /// <summary>Runs on first publish and on clear.</summary>
    Init = 1,
    /// <summary>Runs when a client connects; throwing rejects it.</summary>
    ClientConnected = 2,
    /// <summary>Runs when a client disconnects.</summary>
    ClientDisconnected = 3,
}

/// <summary>Marks a static method taking a <c>ReducerContext</c> as a reducer.</summary>
/// <param name="kind">Lifecycle kind, or user-defined.</param>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ReducerAttribute(ReducerKind kind = ReducerKind.UserDefined) : Attribute
{
    /// <summary>The lifecycle kind.</summary>
    public ReducerKind Kind { get; } = kind;

    /// <summary>An explicit canonical name.</summary>
    public string? Name { get; init; }
}

/// <summary>Marks the module's <c>public const CaseConversionPolicy</c>.</summary>
[AttributeUsage(AttributeTargets.Field)]
public sealed class SettingsAttribute : Attribute;

/// <summary>How canonical names are derived from source names.</summary>
public enum CaseConversionPolicy
{
    /// <summary>Names are used as written.</summary>
    None = 0,
    /// <summary>snake_case (the default).</summary>
    SnakeCase = 1,
}
