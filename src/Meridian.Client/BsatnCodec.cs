using Meridian.Sats.Bsatn;

namespace Meridian.Client;

/// <summary>Reads one value of <typeparamref name="T"/> from BSATN.</summary>
/// <typeparam name="T">The value's type.</typeparam>
/// <param name="reader">The reader, advanced past the value.</param>
public delegate T BsatnRead<out T>(ref BsatnReader reader);

/// <summary>Appends the BSATN of one value of <typeparamref name="T"/>.</summary>
/// <typeparam name="T">The value's type.</typeparam>
/// <param name="writer">The writer.</param>
/// <param name="value">The value.</param>
public delegate void BsatnWrite<in T>(BsatnWriter writer, T value);

/// <summary>
/// The BSATN of the composite types the generated bindings use (lists, options, results): the
/// generated code reads and writes each field with a static lambda, so there is no reflection and
/// no per-call allocation for the codec itself.
/// </summary>
public static class BsatnCodec
{
    /// <summary>Reads an array as a list.</summary>
    public static List<T> ReadList<T>(ref BsatnReader reader, BsatnRead<T> element)
    {
        ArgumentNullException.ThrowIfNull(element);
        var count = reader.ReadArrayLength(0);
        var list = new List<T>(count);
        for (var i = 0; i < count; i++)
            list.Add(element(ref reader));
        return list;
    }

    /// <summary>Writes a list as an array.</summary>
    public static void WriteList<T>(BsatnWriter writer, List<T> list, BsatnWrite<T> element)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(list);
        ArgumentNullException.ThrowIfNull(element);
        writer.WriteArrayLength(list.Count);
        foreach (var item in list)
            element(writer, item);
    }

    /// <summary>Reads a byte array (<c>Vec&lt;u8&gt;</c>).</summary>
    public static byte[] ReadByteArray(ref BsatnReader reader) => reader.ReadBytes().ToArray();

    /// <summary>Reads an option of a value type: <c>some</c> (tag 0) or <c>none</c> (tag 1).</summary>
    public static T? ReadOptionValue<T>(ref BsatnReader reader, BsatnRead<T> some)
        where T : struct
    {
        ArgumentNullException.ThrowIfNull(some);
        return reader.ReadSumTag(2, "Option") == 0 ? some(ref reader) : null;
    }

    /// <summary>Reads an option of a reference type.</summary>
    public static T? ReadOptionRef<T>(ref BsatnReader reader, BsatnRead<T> some)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(some);
        return reader.ReadSumTag(2, "Option") == 0 ? some(ref reader) : null;
    }

    /// <summary>Writes an option of a value type.</summary>
    public static void WriteOptionValue<T>(BsatnWriter writer, T? value, BsatnWrite<T> some)
        where T : struct
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(some);
        if (value is { } v)
        {
            writer.WriteSumTag(0);
            some(writer, v);
        }
        else
        {
            writer.WriteSumTag(1);
        }
    }

    /// <summary>Writes an option of a reference type.</summary>
    public static void WriteOptionRef<T>(BsatnWriter writer, T? value, BsatnWrite<T> some)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(some);
        if (value is not null)
        {
            writer.WriteSumTag(0);
            some(writer, value);
        }
        else
        {
            writer.WriteSumTag(1);
        }
    }

    /// <summary>Reads a result: <c>ok</c> (tag 0) or <c>err</c> (tag 1).</summary>
    public static Result<T, TError> ReadResult<T, TError>(ref BsatnReader reader, BsatnRead<T> ok, BsatnRead<TError> err)
    {
        ArgumentNullException.ThrowIfNull(ok);
        ArgumentNullException.ThrowIfNull(err);
        return reader.ReadSumTag(2, "Result") == 0
            ? new Result<T, TError>.OkR(ok(ref reader))
            : new Result<T, TError>.ErrR(err(ref reader));
    }

    /// <summary>Writes a result.</summary>
    public static void WriteResult<T, TError>(BsatnWriter writer, Result<T, TError> value, BsatnWrite<T> ok, BsatnWrite<TError> err)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(ok);
        ArgumentNullException.ThrowIfNull(err);
        switch (value)
        {
            case Result<T, TError>.OkR o:
                writer.WriteSumTag(0);
                ok(writer, o.Value);
                break;
            case Result<T, TError>.ErrR e:
                writer.WriteSumTag(1);
                err(writer, e.Error);
                break;
            default:
                throw new ArgumentNullException(nameof(value));
        }
    }

    /// <summary>Reads a value and checks that nothing follows it.</summary>
    public static T Decode<T>(ReadOnlySpan<byte> bytes, BsatnRead<T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        var reader = new BsatnReader(bytes);
        var value = read(ref reader);
        reader.EnsureAtEnd();
        return value;
    }

    /// <summary>The BSATN of a value as a new array.</summary>
    public static byte[] Encode<T>(T value, BsatnWrite<T> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var writer = new BsatnWriter(64);
        write(writer, value);
        return writer.ToArray();
    }

    /// <summary>Whether two values have the same BSATN (the equality of the generated types).</summary>
    public static bool SameBsatn<T>(T left, T right, BsatnWrite<T> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        return Encode(left, write).AsSpan().SequenceEqual(Encode(right, write));
    }

    /// <summary>A hash of the BSATN, consistent with <see cref="SameBsatn"/>.</summary>
    public static int HashBsatn<T>(T value, BsatnWrite<T> write)
    {
        var bytes = Encode(value, write);
        var hash = unchecked((int)2166136261);
        foreach (var b in bytes)
            hash = unchecked((hash ^ b) * 16777619);
        return hash;
    }
}

/// <summary>The unit type: a product with no fields (SpacetimeDB's <c>Unit</c>).</summary>
public readonly struct Unit : IEquatable<Unit>
{
    /// <summary>Reads a unit (nothing).</summary>
    public static Unit ReadBsatn(ref BsatnReader reader) => default;

    /// <summary>Writes a unit (nothing).</summary>
    public static void WriteBsatn(BsatnWriter writer, Unit value)
    {
    }

    /// <inheritdoc />
    public bool Equals(Unit other) => true;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Unit;

    /// <inheritdoc />
    public override int GetHashCode() => 0;

    /// <summary>Units are all equal.</summary>
    public static bool operator ==(Unit left, Unit right) => true;

    /// <summary>Units are all equal.</summary>
    public static bool operator !=(Unit left, Unit right) => false;

    /// <inheritdoc />
    public override string ToString() => "()";
}

/// <summary>A module's <c>Result&lt;T, E&gt;</c>: either <see cref="OkR"/> or <see cref="ErrR"/>.</summary>
/// <typeparam name="T">The success value.</typeparam>
/// <typeparam name="TError">The error value.</typeparam>
public abstract record Result<T, TError>
{
    private Result()
    {
    }

    /// <summary>Success.</summary>
    /// <param name="Value">The value.</param>
    public sealed record OkR(T Value) : Result<T, TError>;

    /// <summary>Failure.</summary>
    /// <param name="Error">The error.</param>
    public sealed record ErrR(TError Error) : Result<T, TError>;
}
