namespace Meridian.Sats.Json;

/// <summary>The two SATS-JSON shapes (protocol.md §6.4).</summary>
public enum SatsJsonForm
{
    /// <summary>
    /// Typed structures (module definitions, schemas): a named product is an object keyed by field
    /// name, a sum is <c>{"Variant": payload}</c>, the unit value is <c>[]</c>.
    /// </summary>
    Typed = 0,

    /// <summary>Untyped values (SQL rows, procedure results): a product is an array, a sum is <c>[tag, payload]</c>.</summary>
    Untyped = 1,
}
