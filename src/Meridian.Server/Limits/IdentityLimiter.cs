using System.Collections.Concurrent;
using System.Globalization;
using Meridian.Sats;

namespace Meridian.Server.Limits;

/// <summary>
/// Enforces <see cref="RateLimitOptions"/>: a token bucket per identity for requests per second, and a count of
/// calls in flight per identity. Thread-safe; every connection of an identity shares its state.
/// </summary>
public sealed class IdentityLimiter
{
    // Idle identities are forgotten once this many are tracked (anonymous clients mint a new identity each time).
    private const int SweepAbove = 10_000;

    private readonly RateLimitOptions _options;
    private readonly TimeProvider _clock;
    private readonly double _burst;
    private readonly ConcurrentDictionary<Identity, State> _states = new();

    /// <summary>Creates the limiter.</summary>
    public IdentityLimiter(RateLimitOptions options, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _clock = clock ?? TimeProvider.System;
        _burst = options.Burst > 0 ? options.Burst : Math.Max(1, options.RequestsPerSecond);
    }

    /// <summary>No limits.</summary>
    public static IdentityLimiter Unlimited { get; } = new(new RateLimitOptions());

    /// <summary>Takes one request from <paramref name="identity"/>'s budget; false (with the message for the client) when it is used up.</summary>
    public bool TryRequest(Identity identity, out string? refusal)
    {
        refusal = null;
        if (_options.RequestsPerSecond <= 0)
            return true;
        var state = StateOf(identity);
        var now = _clock.GetTimestamp();
        lock (state)
        {
            state.Tokens = Math.Min(_burst, state.Tokens + (_clock.GetElapsedTime(state.LastRefill, now).TotalSeconds * _options.RequestsPerSecond));
            state.LastRefill = now;
            if (state.Tokens >= 1)
            {
                state.Tokens -= 1;
                return true;
            }
        }
        refusal = string.Create(CultureInfo.InvariantCulture,
            $"Rate limit exceeded: one identity may make {_options.RequestsPerSecond:0.##} requests per second (bursts of {_burst:0}). "
            + $"This request was not run; the connection stays open.");
        return false;
    }

    /// <summary>
    /// Starts a reducer or procedure call; false (with the message) when the identity already has the most allowed in flight.
    /// Pair a true with <see cref="EndCall"/>.
    /// </summary>
    public bool TryBeginCall(Identity identity, out string? refusal)
    {
        refusal = null;
        if (_options.MaxInFlightCalls <= 0)
            return true;
        var state = StateOf(identity);
        lock (state)
        {
            if (state.InFlight < _options.MaxInFlightCalls)
            {
                state.InFlight++;
                return true;
            }
        }
        refusal = string.Create(CultureInfo.InvariantCulture,
            $"Too many calls in flight: one identity may have {_options.MaxInFlightCalls} reducer or procedure calls running or waiting at once. "
            + $"This call was not run; the connection stays open.");
        return false;
    }

    /// <summary>Whether calls in flight are counted (a limit is set); when not, <see cref="EndCall"/> does nothing.</summary>
    public bool CountsCalls => _options.MaxInFlightCalls > 0;

    /// <summary>Ends a call that <see cref="TryBeginCall"/> started.</summary>
    public void EndCall(Identity identity)
    {
        if (_options.MaxInFlightCalls <= 0)
            return;
        var state = StateOf(identity);
        lock (state)
            state.InFlight = Math.Max(0, state.InFlight - 1);
    }

    private State StateOf(Identity identity)
    {
        if (_states.TryGetValue(identity, out var state))
            return state;
        if (_states.Count > SweepAbove)
            Sweep();
        return _states.GetOrAdd(identity, _ => new State { Tokens = _burst, LastRefill = _clock.GetTimestamp() });
    }

    // Forgets identities with nothing in flight whose bucket has refilled: they behave exactly like new ones.
    private void Sweep()
    {
        var now = _clock.GetTimestamp();
        foreach (var (identity, state) in _states)
        {
            lock (state)
            {
                var full = _options.RequestsPerSecond <= 0
                    || state.Tokens + (_clock.GetElapsedTime(state.LastRefill, now).TotalSeconds * _options.RequestsPerSecond) >= _burst;
                if (state.InFlight == 0 && full)
                    _states.TryRemove(new KeyValuePair<Identity, State>(identity, state));
            }
        }
    }

    private sealed class State
    {
        public double Tokens;
        public long LastRefill;
        public int InFlight;
    }
}
