namespace Meridian.Sats.Types;

public abstract partial class AlgebraicType
{
    /// <summary>Field name that marks a product as an Identity.</summary>
    public const string IdentityFieldName = "__identity__";

    /// <summary>Field name that marks a product as a ConnectionId.</summary>
    public const string ConnectionIdFieldName = "__connection_id__";

    /// <summary>Field name that marks a product as a Timestamp.</summary>
    public const string TimestampFieldName = "__timestamp_micros_since_unix_epoch__";

    /// <summary>Field name that marks a product as a TimeDuration.</summary>
    public const string TimeDurationFieldName = "__time_duration_micros__";

    /// <summary>Field name that marks a product as a Uuid.</summary>
    public const string UuidFieldName = "__uuid__";

    /// <summary>The Identity type.</summary>
    public static ProductType Identity { get; } = Product((IdentityFieldName, U256));

    /// <summary>The ConnectionId type.</summary>
    public static ProductType ConnectionId { get; } = Product((ConnectionIdFieldName, U128));

    /// <summary>The Timestamp type.</summary>
    public static ProductType Timestamp { get; } = Product((TimestampFieldName, I64));

    /// <summary>The TimeDuration type.</summary>
    public static ProductType TimeDuration { get; } = Product((TimeDurationFieldName, I64));

    /// <summary>The Uuid type.</summary>
    public static ProductType Uuid { get; } = Product((UuidFieldName, U128));

    /// <summary>The ScheduleAt type.</summary>
    public static SumType ScheduleAt { get; } = Sum(("Interval", TimeDuration), ("Time", Timestamp));

    /// <summary><c>Option&lt;T&gt;</c>: <c>[some: T, none: ()]</c>.</summary>
    public static SumType Option(AlgebraicType some) => Sum(("some", some), ("none", Unit));

    /// <summary><c>Result&lt;T, E&gt;</c>: <c>[ok: T, err: E]</c>.</summary>
    public static SumType Result(AlgebraicType ok, AlgebraicType err) => Sum(("ok", ok), ("err", err));

    /// <summary>Recognises the special types by structure, as SATS does.</summary>
    public SpecialTypeKind SpecialKind => this switch
    {
        ProductType { Elements: [var e] } => (e.Name, e.Type.Tag) switch
        {
            (IdentityFieldName, AlgebraicTypeTag.U256) => SpecialTypeKind.Identity,
            (ConnectionIdFieldName, AlgebraicTypeTag.U128) => SpecialTypeKind.ConnectionId,
            (TimestampFieldName, AlgebraicTypeTag.I64) => SpecialTypeKind.Timestamp,
            (TimeDurationFieldName, AlgebraicTypeTag.I64) => SpecialTypeKind.TimeDuration,
            (UuidFieldName, AlgebraicTypeTag.U128) => SpecialTypeKind.Uuid,
            _ => SpecialTypeKind.None,
        },
        SumType { Variants: [var a, var b] } when a.Name == "some" && b.Name == "none" && b.Type is ProductType { Elements.Count: 0 } => SpecialTypeKind.Option,
        SumType { Variants: [var a, var b] } when a.Name == "ok" && b.Name == "err" => SpecialTypeKind.Result,
        SumType { Variants: [var a, var b] } when a.Name == "Interval" && b.Name == "Time"
            && a.Type.SpecialKind == SpecialTypeKind.TimeDuration && b.Type.SpecialKind == SpecialTypeKind.Timestamp => SpecialTypeKind.ScheduleAt,
        _ => SpecialTypeKind.None,
    };

    /// <summary>True for Identity, ConnectionId, Timestamp, TimeDuration and Uuid.</summary>
    public bool IsSpecialProduct => SpecialKind is >= SpecialTypeKind.Identity and <= SpecialTypeKind.Uuid;
}
