using Meridian.Sats.Values;

namespace Meridian.Client.Dynamic;

/// <summary>
/// A connection whose cache holds rows of any table without generated bindings: the tables and
/// their row types come from a <see cref="DatabaseSchema"/> (the server's <c>/schema</c>), rows are
/// <see cref="DynamicRow"/>s. Tools use it (the SQLite mirror, <c>meridian mirror</c>); apps use
/// the typed connection that <c>meridian generate</c> writes.
/// </summary>
public sealed class DynamicDbConnection : DbConnectionBase
{
    private readonly Dictionary<string, DynamicTableHandle> _handles;

    private DynamicDbConnection(DatabaseSchema schema)
    {
        Schema = schema;
        var tables = new DynamicTables(schema);
        _handles = tables.All.Cast<DynamicTableHandle>().ToDictionary(t => t.RemoteTableName, StringComparer.Ordinal);
        RegisterTables(tables);
    }

    /// <summary>The schema the tables were made from.</summary>
    public DatabaseSchema Schema { get; }

    /// <summary>Every table of the schema, in module order.</summary>
    public IReadOnlyCollection<DynamicTableHandle> Tables => _handles.Values;

    /// <summary>The table named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">The schema has no such table.</exception>
    public DynamicTableHandle Table(string name) =>
        _handles.TryGetValue(name, out var table) ? table : throw new KeyNotFoundException($"The database has no table '{name}'.");

    /// <summary>A builder of a connection over <paramref name="schema"/>.</summary>
    public static DbConnectionBuilder<DynamicDbConnection> Builder(DatabaseSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return new DbConnectionBuilder<DynamicDbConnection>(() => new DynamicDbConnection(schema));
    }

    /// <summary>Starts a subscription.</summary>
    public DynamicSubscriptionBuilder SubscriptionBuilder() => new(this);

    /// <summary>Calls a reducer with its arguments as a product value (in parameter order).</summary>
    public Task<ReducerEvent> CallReducerAsync(string name, ProductValue args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return InternalCallReducer(name, args.ToBsatn(), args, null);
    }

    /// <inheritdoc />
    protected override object CreateEventContext(Event @event) => new DynamicEventContext(this, @event);

    /// <inheritdoc />
    protected override object CreateReducerEventContext(ReducerEvent reducerEvent) => new DynamicEventContext(this, new Event.Reducer(reducerEvent));

    /// <inheritdoc />
    protected override object CreateSubscriptionEventContext() => new DynamicSubscriptionEventContext(this);

    /// <inheritdoc />
    protected override object CreateErrorContext(Exception error) => new DynamicErrorContext(this, error);

    /// <inheritdoc />
    protected override object CreateProcedureEventContext(ProcedureEvent procedureEvent) => new DynamicEventContext(this, new Event.Transaction());

    private sealed class DynamicTables : RemoteTablesBase
    {
        public DynamicTables(DatabaseSchema schema)
        {
            foreach (var table in schema.Tables)
                AddTable(new DynamicTableHandle(table));
        }
    }
}

/// <summary>The context of a row callback of a <see cref="DynamicDbConnection"/>.</summary>
/// <param name="Connection">The connection.</param>
/// <param name="Event">What changed the cache.</param>
public sealed record DynamicEventContext(DynamicDbConnection Connection, Event Event);

/// <summary>The context of a subscription callback of a <see cref="DynamicDbConnection"/>.</summary>
/// <param name="Connection">The connection.</param>
public sealed record DynamicSubscriptionEventContext(DynamicDbConnection Connection);

/// <summary>The context of an error callback of a <see cref="DynamicDbConnection"/>.</summary>
/// <param name="Connection">The connection.</param>
/// <param name="Error">What went wrong.</param>
public sealed record DynamicErrorContext(DynamicDbConnection Connection, Exception Error);

/// <summary>Configures a subscription of a <see cref="DynamicDbConnection"/>.</summary>
public sealed class DynamicSubscriptionBuilder : SubscriptionBuilder<DynamicSubscriptionEventContext, DynamicErrorContext>
{
    internal DynamicSubscriptionBuilder(DynamicDbConnection connection)
        : base(connection)
    {
    }
}
