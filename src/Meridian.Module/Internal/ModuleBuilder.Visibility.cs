using Meridian.Sats.ModuleDef;

namespace SpacetimeDB.Internal;

public sealed partial class ModuleBuilder
{
    /// <summary>
    /// Registers a <c>[ClientVisibilityFilter]</c>. The SQL is checked when the module is published
    /// (a filter that is not valid for the module's tables fails the publish).
    /// </summary>
    /// <param name="filter">The field's value.</param>
    /// <param name="fieldName">The field, for the error when the value is not a <c>Filter.Sql</c>.</param>
    /// <exception cref="InvalidOperationException">The filter is null or not SQL.</exception>
    public void RegisterClientVisibilityFilter(Filter? filter, string fieldName)
    {
        if (filter is not Filter.Sql sql || string.IsNullOrWhiteSpace(sql.Sql_))
            throw new InvalidOperationException($"The client visibility filter {fieldName} must be a non-empty Filter.Sql.");
        _rowLevelSecurity.Add(new RawRowLevelSecurityDefV10(sql.Sql_));
    }
}
