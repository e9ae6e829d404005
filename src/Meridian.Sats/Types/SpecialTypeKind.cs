namespace Meridian.Sats.Types;

/// <summary>The types SATS recognises by structure and maps to dedicated types in SDKs and codegen.</summary>
public enum SpecialTypeKind
{
    /// <summary>Not a special type.</summary>
    None = 0,
    /// <summary><c>{ __identity__: U256 }</c>.</summary>
    Identity = 1,
    /// <summary><c>{ __connection_id__: U128 }</c>.</summary>
    ConnectionId = 2,
    /// <summary><c>{ __timestamp_micros_since_unix_epoch__: I64 }</c>.</summary>
    Timestamp = 3,
    /// <summary><c>{ __time_duration_micros__: I64 }</c>.</summary>
    TimeDuration = 4,
    /// <summary><c>{ __uuid__: U128 }</c>.</summary>
    Uuid = 5,
    /// <summary><c>[some: T, none: ()]</c>.</summary>
    Option = 6,
    /// <summary><c>[ok: T, err: E]</c>.</summary>
    Result = 7,
    /// <summary><c>[Interval: TimeDuration, Time: Timestamp]</c>.</summary>
    ScheduleAt = 8,
}
