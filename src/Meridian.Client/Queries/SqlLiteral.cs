using System.Globalization;

namespace Meridian.Client;

/// <summary>A value of <typeparamref name="TValue"/> written as an SQL literal (<see cref="SqlLit"/> makes them).</summary>
/// <typeparam name="TValue">The column type the literal is compared with.</typeparam>
public readonly struct SqlLiteral<TValue>
{
    internal SqlLiteral(string sql) => Sql = sql;

    /// <summary>The literal's SQL text.</summary>
    public string Sql { get; }

    /// <inheritdoc />
    public override string ToString() => Sql;
}

/// <summary>SQL literals for the column types typed queries compare: numbers, strings, booleans, identities, timestamps.</summary>
public static class SqlLit
{
    /// <summary>A string literal, quotes doubled.</summary>
    public static SqlLiteral<string> String(string value) => new(SqlText.String(value));

    /// <summary><c>TRUE</c> or <c>FALSE</c>.</summary>
    public static SqlLiteral<bool> Bool(bool value) => new(value ? "TRUE" : "FALSE");

    /// <summary>An integer literal.</summary>
    public static SqlLiteral<int> Int(int value) => new(value.ToString(CultureInfo.InvariantCulture));

    /// <summary>An integer literal.</summary>
    public static SqlLiteral<long> Int(long value) => new(value.ToString(CultureInfo.InvariantCulture));

    /// <summary>An integer literal.</summary>
    public static SqlLiteral<uint> Int(uint value) => new(value.ToString(CultureInfo.InvariantCulture));

    /// <summary>An integer literal.</summary>
    public static SqlLiteral<ulong> Int(ulong value) => new(value.ToString(CultureInfo.InvariantCulture));

    /// <summary>An identity as a hex literal (<c>0x…</c>).</summary>
    public static SqlLiteral<Sats.Identity> Identity(Sats.Identity value) => new(SqlText.Literal(value));

    /// <summary>A connection id as a hex literal (<c>0x…</c>).</summary>
    public static SqlLiteral<Sats.ConnectionId> ConnectionId(Sats.ConnectionId value) => new(SqlText.Literal(value));

    /// <summary>A timestamp as an RFC 3339 string literal in UTC with microseconds.</summary>
    public static SqlLiteral<Sats.Timestamp> Timestamp(Sats.Timestamp value) => new(SqlText.Literal(value));

    /// <summary>Any value a typed query can compare: the literal its column type takes.</summary>
    /// <exception cref="ArgumentException">The type has no SQL literal (products, sums, arrays).</exception>
    public static SqlLiteral<TValue> Of<TValue>(TValue value) => new(SqlText.Literal(value));
}
