namespace Meridian.Client.Mirror;

/// <summary>
/// When a debounced write is due: <c>Debounce</c> after the last change, but never later than
/// <c>MaxDelay</c> after the first change not yet written. Times are <see cref="TimeProvider"/> timestamps.
/// </summary>
internal sealed class MirrorDebounce(TimeSpan debounce, TimeSpan maxDelay, TimeProvider clock)
{
    private long? _first;
    private long _last;

    public bool IsPending => _first is not null;

    /// <summary>Records a change now.</summary>
    public void Touch()
    {
        var now = clock.GetTimestamp();
        _first ??= now;
        _last = now;
    }

    /// <summary>How long until the write is due (zero or less: now), or null when nothing is pending.</summary>
    public TimeSpan? DueIn()
    {
        if (_first is not { } first)
            return null;
        var now = clock.GetTimestamp();
        var afterLast = debounce - clock.GetElapsedTime(_last, now);
        var afterFirst = maxDelay - clock.GetElapsedTime(first, now);
        return afterLast < afterFirst ? afterLast : afterFirst;
    }

    /// <summary>Forgets the pending changes (they are being written).</summary>
    public void Clear() => _first = null;
}
