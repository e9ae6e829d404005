using Meridian.Sats.Types;

namespace Meridian.Sats.ModuleDef;

/// <summary>A reducer: a transactional function clients (or the host) call.</summary>
/// <param name="SourceName">The method name.</param>
/// <param name="Params">The parameters after the context, named.</param>
/// <param name="Visibility">Whether clients may call it.</param>
/// <param name="OkReturnType">Success type (unit for C#).</param>
/// <param name="ErrReturnType">Error type (string for C#).</param>
public sealed record RawReducerDefV10(
    string SourceName, ProductType Params, FunctionVisibility Visibility, AlgebraicType OkReturnType, AlgebraicType ErrReturnType);

/// <summary>A procedure: a non-transactional function with a return value.</summary>
/// <param name="SourceName">The method name.</param>
/// <param name="Params">The parameters after the context.</param>
/// <param name="ReturnType">The return type.</param>
/// <param name="Visibility">Whether clients may call it.</param>
public sealed record RawProcedureDefV10(string SourceName, ProductType Params, AlgebraicType ReturnType, FunctionVisibility Visibility);

/// <summary>A view: a read-only function clients subscribe to like a table.</summary>
/// <param name="SourceName">The view accessor.</param>
/// <param name="Index">Ordinal among the views of the same kind.</param>
/// <param name="IsPublic">Visible to clients.</param>
/// <param name="IsAnonymous">Computed once for all subscribers.</param>
/// <param name="Params">Parameters (none in C#).</param>
/// <param name="ReturnType">T, Option of T or an array of T.</param>
public sealed record RawViewDefV10(string SourceName, uint Index, bool IsPublic, bool IsAnonymous, ProductType Params, AlgebraicType ReturnType);

/// <summary>A scheduled table: rows are timers that call a function.</summary>
/// <param name="SourceName">Optional name.</param>
/// <param name="TableName">The table's source name.</param>
/// <param name="ScheduleAtCol">The <c>ScheduleAt</c> column.</param>
/// <param name="FunctionName">The reducer or procedure to call.</param>
public sealed record RawScheduleDefV10(string? SourceName, string TableName, ushort ScheduleAtCol, string FunctionName);

/// <summary>A reducer bound to a lifecycle event.</summary>
/// <param name="LifecycleSpec">The event.</param>
/// <param name="FunctionName">The reducer's source name.</param>
public sealed record RawLifeCycleReducerDefV10(Lifecycle LifecycleSpec, string FunctionName);

/// <summary>A row-level-security filter.</summary>
/// <param name="Sql">The filter query.</param>
public sealed record RawRowLevelSecurityDefV10(string Sql);

/// <summary>One <c>ExplicitNameEntry</c>: a sum over the kind with a <c>NameMapping</c> payload.</summary>
/// <param name="Kind">Table, function or index.</param>
/// <param name="SourceName">The source name.</param>
/// <param name="CanonicalName">The canonical name to use instead of the converted one.</param>
public sealed record ExplicitNameEntry(ExplicitNameKind Kind, string SourceName, string CanonicalName);

/// <summary>An HTTP handler function.</summary>
/// <param name="SourceName">The method name.</param>
public sealed record RawHttpHandlerDefV10(string SourceName);

/// <summary>An HTTP route: <c>MethodOrAny</c> is <c>Any</c> when <paramref name="Method"/> is null.</summary>
/// <param name="HandlerFunction">The handler's source name.</param>
/// <param name="Method">The method, or null for any.</param>
/// <param name="ExtensionMethod">The method name when <paramref name="Method"/> is <see cref="RawHttpMethod.Extension"/>.</param>
/// <param name="Path">The route path.</param>
public sealed record RawHttpRouteDefV10(string HandlerFunction, RawHttpMethod? Method, string? ExtensionMethod, string Path);

/// <summary>The primary-key columns of a view.</summary>
/// <param name="ViewSourceName">The view.</param>
/// <param name="Columns">Column source names.</param>
public sealed record RawViewPrimaryKeyDefV10(string ViewSourceName, IReadOnlyList<string> Columns);

/// <summary>A nested module.</summary>
/// <param name="Namespace">Its namespace.</param>
/// <param name="Module">Its definition.</param>
public sealed record RawSubmoduleV10(string Namespace, RawModuleDefV10 Module);
