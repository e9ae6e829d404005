using Meridian.Query.Catalog;

namespace Meridian.Query.Plans;

/// <summary>One table a query reads, under the name its columns are qualified with.</summary>
/// <param name="Number">Its position among the query's tables (0 for FROM, then one per JOIN).</param>
/// <param name="Table">The table.</param>
/// <param name="Alias">The alias, or the table name when none was given.</param>
public sealed record PlanSource(int Number, SqlTable Table, string Alias);
