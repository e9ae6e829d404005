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

    /// <summary>
    /// For people and for tools that read JSON without SATS (the SQLite mirror's TEXT columns): a
    /// product with named fields is an object (<c>{}</c> for the unit value), one without is an array;
    /// an option is null or its value; a plain enum is its variant's name, another sum
    /// <c>{"Variant": payload}</c>; identities and connection ids are hex strings, timestamps ISO-8601
    /// strings, UUIDs their text, durations microseconds; 128- and 256-bit integers are decimal strings.
    /// The lenient reader takes most of it back, but not all (an option of an option loses its level).
    /// </summary>
    Readable = 2,
}
