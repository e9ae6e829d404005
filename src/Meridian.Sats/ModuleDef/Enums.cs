namespace Meridian.Sats.ModuleDef;

// These numbers are BSATN tags inside module definitions: they may only grow.

/// <summary>How the host derives canonical names from source names. A missing section means <see cref="SnakeCase"/>.</summary>
public enum CaseConversionPolicy : byte
{
    /// <summary>Names are used as given.</summary>
    None = 0,
    /// <summary>snake_case for tables, functions, indexes, columns; camelCase variants; PascalCase types.</summary>
    SnakeCase = 1,
}

/// <summary>Whether a table is a system or a user table.</summary>
public enum TableType : byte
{
    /// <summary>A system table.</summary>
    System = 0,
    /// <summary>A table declared by the module.</summary>
    User = 1,
}

/// <summary>Who may read a table.</summary>
public enum TableAccess : byte
{
    /// <summary>Any client may subscribe.</summary>
    Public = 0,
    /// <summary>Only the owner and server code.</summary>
    Private = 1,
}

/// <summary>Whether clients may call a function.</summary>
public enum FunctionVisibility : byte
{
    /// <summary>Only the host (lifecycle, scheduled) may call it.</summary>
    Private = 0,
    /// <summary>Clients may call it.</summary>
    ClientCallable = 1,
}

/// <summary>The lifecycle event a reducer handles.</summary>
public enum Lifecycle : byte
{
    /// <summary>Runs when the database is first published or cleared.</summary>
    Init = 0,
    /// <summary>Runs when a client connects; throwing rejects the connection.</summary>
    OnConnect = 1,
    /// <summary>Runs when a client disconnects.</summary>
    OnDisconnect = 2,
}

/// <summary>Which kind of name an <see cref="ExplicitNameEntry"/> maps.</summary>
public enum ExplicitNameKind : byte
{
    /// <summary>A table name.</summary>
    Table = 0,
    /// <summary>A reducer, procedure or view name.</summary>
    Function = 1,
    /// <summary>An index name.</summary>
    Index = 2,
}

/// <summary>The tags of <c>RawModuleDefV10Section</c>.</summary>
public enum RawModuleDefV10SectionTag : byte
{
    /// <summary><see cref="Types.Typespace"/>.</summary>
    Typespace = 0,
    /// <summary>Named type definitions.</summary>
    Types = 1,
    /// <summary>Tables.</summary>
    Tables = 2,
    /// <summary>Reducers.</summary>
    Reducers = 3,
    /// <summary>Procedures.</summary>
    Procedures = 4,
    /// <summary>Views.</summary>
    Views = 5,
    /// <summary>Schedules.</summary>
    Schedules = 6,
    /// <summary>Lifecycle reducers.</summary>
    LifeCycleReducers = 7,
    /// <summary>Row-level-security filters.</summary>
    RowLevelSecurity = 8,
    /// <summary>The case-conversion policy.</summary>
    CaseConversionPolicy = 9,
    /// <summary>Explicit canonical names.</summary>
    ExplicitNames = 10,
    /// <summary>HTTP handlers.</summary>
    HttpHandlers = 11,
    /// <summary>HTTP routes.</summary>
    HttpRoutes = 12,
    /// <summary>View primary keys.</summary>
    ViewPrimaryKeys = 13,
    /// <summary>Nested modules.</summary>
    Submodules = 14,
}

/// <summary>HTTP methods of <see cref="RawHttpRouteDefV10"/>; <see cref="Extension"/> carries a custom name.</summary>
public enum RawHttpMethod : byte
{
    /// <summary>GET.</summary>
    Get = 0,
    /// <summary>HEAD.</summary>
    Head = 1,
    /// <summary>POST.</summary>
    Post = 2,
    /// <summary>PUT.</summary>
    Put = 3,
    /// <summary>DELETE.</summary>
    Delete = 4,
    /// <summary>CONNECT.</summary>
    Connect = 5,
    /// <summary>OPTIONS.</summary>
    Options = 6,
    /// <summary>TRACE.</summary>
    Trace = 7,
    /// <summary>PATCH.</summary>
    Patch = 8,
    /// <summary>Any other method, named by <see cref="RawHttpRouteDefV10.ExtensionMethod"/>.</summary>
    Extension = 9,
}
