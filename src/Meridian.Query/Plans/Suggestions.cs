namespace Meridian.Query.Plans;

/// <summary>"Did you mean …?" for names that do not resolve: the closest candidate by edit distance, when close enough.</summary>
internal static class Suggestions
{
    /// <summary>The candidate nearest to <paramref name="name"/> (case-insensitively), or null when none is near.</summary>
    public static string? Nearest(string name, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var d = Distance(name.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (d < bestDistance || (d == bestDistance && string.CompareOrdinal(candidate, best) < 0))
                (best, bestDistance) = (candidate, d);
        }
        // Near means a few typos, relative to the name's length.
        return best is not null && bestDistance <= Math.Max(1, name.Length / 3) && bestDistance < name.Length ? best : null;
    }

    /// <summary>" Did you mean 'x'?" or an empty string.</summary>
    public static string Hint(string name, IEnumerable<string> candidates) =>
        Nearest(name, candidates) is { } near ? $" Did you mean '{near}'?" : "";

    /// <summary>" at position N" or an empty string.</summary>
    public static string At(int position) => position >= 0 ? $" at position {position}" : "";

    // Levenshtein distance with two rows.
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
            previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
