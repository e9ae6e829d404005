using System.Globalization;
using Meridian.Sats;

namespace Meridian.Client;

// How typed queries write identifiers and literals, in the SQL dialect the server (and SpacetimeDB) parses.
internal static class SqlText
{
    /// <summary>An identifier in double quotes (quotes doubled), so any table or column name is safe.</summary>
    public static string Ident(string name) => "\"" + name.Replace("\"", "\"\"") + "\"";

    public static string String(string value) => "'" + (value ?? throw new ArgumentNullException(nameof(value))).Replace("'", "''") + "'";

    /// <summary>The literal for a value, chosen by its runtime type.</summary>
    public static string Literal(object? value) => value switch
    {
        null => throw new ArgumentNullException(nameof(value), "A typed query compares with a value, not null."),
        string s => String(s),
        bool b => b ? "TRUE" : "FALSE",
        sbyte or byte or short or ushort or int or uint or long or ulong => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        Int128 or UInt128 or Sats.Numerics.Int256 or Sats.Numerics.UInt256 => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        Identity identity => "0x" + identity.ToHexString(),
        ConnectionId connection => "0x" + connection.ToHexString(),
        Uuid uuid => String(uuid.ToString()),
        Timestamp t => String(Rfc3339(t)),
        _ => throw new ArgumentException(
            $"A typed query cannot compare a {value.GetType().Name}: only numbers, strings, booleans, identities, connection ids, "
            + "UUIDs and timestamps have SQL literals.", nameof(value)),
    };

    private static string Rfc3339(Timestamp t)
    {
        // Whole microseconds, always six digits, always UTC: the server reads this form back exactly.
        var micros = t.MicrosecondsSinceUnixEpoch;
        var seconds = Math.DivRem(micros, 1_000_000, out var fraction);
        if (fraction < 0)
        {
            fraction += 1_000_000;
            seconds--;
        }
        var time = DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime;
        return time.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + "." + fraction.ToString("000000", CultureInfo.InvariantCulture) + "Z";
    }
}
