using System.Diagnostics.CodeAnalysis;
using Meridian.Sats.Bsatn;
using Meridian.Sats.Types;
using SpacetimeDB.BSATN;

namespace SpacetimeDB;

/// <summary>
/// A success value or an error: the special sum <c>[ok: T, err: E]</c>. Usable as a column,
/// argument or return type; <see cref="OkR"/> and <see cref="ErrR"/> are its variants.
/// </summary>
/// <typeparam name="T">The success type.</typeparam>
/// <typeparam name="E">The error type.</typeparam>
[SuppressMessage("Naming", "CA1715", Justification = "Upstream's type parameter name, which modules spell out.")]
[SuppressMessage("Design", "CA1000", Justification = "Upstream's static factories Ok and Err.")]
public abstract record Result<T, E> : TaggedEnum<(T Ok, E Err)>
{
    private Result()
    {
    }

    /// <summary>The success variant.</summary>
    /// <param name="Value">The value.</param>
    public sealed record OkR(T Value) : Result<T, E>;

    /// <summary>The error variant.</summary>
    /// <param name="Error">The error.</param>
    public sealed record ErrR(E Error) : Result<T, E>;

    /// <summary>A success.</summary>
    public static implicit operator Result<T, E>(T value) => new OkR(value);

    /// <summary>An error.</summary>
    public static implicit operator Result<T, E>(E error) => new ErrR(error);

    /// <summary>A success.</summary>
    public static Result<T, E> Ok(T value) => new OkR(value);

    /// <summary>An error.</summary>
    public static Result<T, E> Err(E error) => new ErrR(error);

    /// <summary>Whether this is a success.</summary>
    public bool IsOk => this is OkR;

    /// <summary>Calls <paramref name="onOk"/> or <paramref name="onErr"/>.</summary>
    public TResult Match<TResult>(Func<T, TResult> onOk, Func<E, TResult> onErr)
    {
        ArgumentNullException.ThrowIfNull(onOk);
        ArgumentNullException.ThrowIfNull(onErr);
        return this switch
        {
            OkR(var v) => onOk(v),
            ErrR(var e) => onErr(e),
            _ => throw new InvalidOperationException("Unknown Result variant."),
        };
    }

    /// <summary>The value; an error is thrown (as itself when it is an exception, else as an exception with its text).</summary>
    [SuppressMessage("Usage", "CA2201", Justification = "Upstream throws a plain Exception carrying the error's text.")]
    public T UnwrapOrThrow() => this switch
    {
        OkR(var v) => v,
        ErrR(Exception e) => throw e,
        ErrR(var e) when e is not null => throw new Exception(e.ToString()),
        ErrR(_) => throw new InvalidOperationException("Result failed without an error object."),
        _ => throw new InvalidOperationException("Unknown Result variant."),
    };

    /// <summary>The value, or <paramref name="defaultValue"/> for an error.</summary>
    public T UnwrapOr(T defaultValue) => this is OkR(var v) ? v : defaultValue;

    /// <summary>The value, or <paramref name="f"/> of the error.</summary>
    public T UnwrapOrElse(Func<E, T> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return this switch
        {
            OkR(var v) => v,
            ErrR(var e) => f(e),
            _ => throw new InvalidOperationException("Unknown Result variant."),
        };
    }

    /// <summary>Serializer: tag 0 ok, 1 err.</summary>
    /// <typeparam name="OkRW">Serializer of T.</typeparam>
    /// <typeparam name="ErrRW">Serializer of E.</typeparam>
    [SuppressMessage("Naming", "CA1715", Justification = "Upstream's names.")]
    [SuppressMessage("Design", "CA1034", Justification = "Upstream's shape: Result<T,E>.BSATN<OkRW,ErrRW>.")]
    public readonly struct BSATN<OkRW, ErrRW> : IReadWrite<Result<T, E>>
        where OkRW : struct, IReadWrite<T>
        where ErrRW : struct, IReadWrite<E>
    {
        /// <inheritdoc />
        public Result<T, E> Read(ref BsatnReader reader) => reader.ReadSumTag(2, "Result") == 0
            ? new OkR(default(OkRW).Read(ref reader))
            : new ErrR(default(ErrRW).Read(ref reader));

        /// <inheritdoc />
        public void Write(BsatnWriter writer, Result<T, E> value)
        {
            ArgumentNullException.ThrowIfNull(writer);
            switch (value)
            {
                case OkR(var v):
                    writer.WriteSumTag(0);
                    default(OkRW).Write(writer, v);
                    break;
                case ErrR(var e):
                    writer.WriteSumTag(1);
                    default(ErrRW).Write(writer, e);
                    break;
                default:
                    throw new ArgumentNullException(nameof(value), "A Result value must not be null.");
            }
        }

        /// <inheritdoc />
        public AlgebraicType GetAlgebraicType(ITypeRegistrar registrar) =>
            AlgebraicType.Result(default(OkRW).GetAlgebraicType(registrar), default(ErrRW).GetAlgebraicType(registrar));
    }
}
