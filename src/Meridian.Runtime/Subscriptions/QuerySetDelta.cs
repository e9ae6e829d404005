namespace Meridian.Runtime.Subscriptions;

/// <summary>The changes of one of a client's query sets.</summary>
/// <param name="QuerySetId">The client's id for the set.</param>
/// <param name="Tables">One entry per affected query/table.</param>
public sealed record QuerySetDelta(uint QuerySetId, IReadOnlyList<TableDelta> Tables);
