using System.Text;

namespace Meridian.Sats.ModuleDef;

/// <summary>
/// The names a module's source names become on the wire and in SQL (protocol.md §9.4): word
/// splitting and casing like Rust's <c>convert_case</c> 0.6 with its default boundaries, and the
/// generated index, sequence, constraint and schedule names.
/// </summary>
public static class CanonicalNames
{
    /// <summary>snake_case, splitting at case changes and letter/digit boundaries: <c>one_u8</c> → <c>one_u_8</c>.</summary>
    public static string ToSnakeCase(string name) => Join(SplitWords(name), WordCase.Lower, "_");

    /// <summary>camelCase: first word lower case, the rest capitalised, no separator.</summary>
    public static string ToCamelCase(string name) => Join(SplitWords(name), WordCase.Camel, "");

    /// <summary>PascalCase: every word capitalised, no separator.</summary>
    public static string ToPascalCase(string name) => Join(SplitWords(name), WordCase.Capital, "");

    /// <summary>Converts a table, function, index, column or parameter name under a policy.</summary>
    public static string Convert(string name, CaseConversionPolicy policy) =>
        policy == CaseConversionPolicy.SnakeCase ? ToSnakeCase(name) : name;

    /// <summary>Converts a sum variant name under a policy (camelCase under SnakeCase).</summary>
    public static string ConvertVariant(string name, CaseConversionPolicy policy) =>
        policy == CaseConversionPolicy.SnakeCase ? ToCamelCase(name) : name;

    /// <summary>Converts a type name under a policy (PascalCase under any policy but None).</summary>
    public static string ConvertTypeName(string name, CaseConversionPolicy policy) =>
        policy == CaseConversionPolicy.None ? name : ToPascalCase(name);

    /// <summary><c>{table}_{col1}_{col2}…_idx_{algorithm}</c>, algorithm being <c>btree</c>, <c>hash</c> or <c>direct</c>.</summary>
    public static string IndexName(string table, IEnumerable<string> columns, string algorithm) =>
        $"{table}_{string.Join("_", columns)}_idx_{algorithm}";

    /// <summary><c>{table}_{column}_seq</c>.</summary>
    public static string SequenceName(string table, string column) => $"{table}_{column}_seq";

    /// <summary><c>{table}_{col1}_{col2}…_key</c>.</summary>
    public static string UniqueConstraintName(string table, IEnumerable<string> columns) =>
        $"{table}_{string.Join("_", columns)}_key";

    /// <summary><c>{table}_sched</c>.</summary>
    public static string ScheduleName(string table) => $"{table}_sched";

    /// <summary>
    /// Splits an identifier into words: first at <c>_</c>, <c>-</c> and spaces (which are dropped),
    /// then inside each piece at lower→upper, upper→digit, digit→upper, digit→lower and lower→digit
    /// changes, and before the last capital of an acronym followed by a lower-case letter.
    /// </summary>
    public static IReadOnlyList<string> SplitWords(string name)
    {
        var words = new List<string>();
        foreach (var piece in name.Split(['_', '-', ' ']))
        {
            if (piece.Length == 0)
                continue;
            var runes = piece.EnumerateRunes().ToArray();
            var start = 0;
            for (var i = 1; i < runes.Length; i++)
            {
                var c = runes[i - 1];
                var d = runes[i];
                var pair = (IsLower(c) && IsUpper(d)) || (IsUpper(c) && IsDigit(d)) || (IsDigit(c) && IsUpper(d))
                    || (IsDigit(c) && IsLower(d)) || (IsLower(c) && IsDigit(d));
                var acronym = i + 1 < runes.Length && IsUpper(c) && IsUpper(d) && IsLower(runes[i + 1]);
                if (pair || acronym)
                {
                    words.Add(Concat(runes, start, i));
                    start = i;
                }
            }
            words.Add(Concat(runes, start, runes.Length));
        }
        return words;
    }

    private enum WordCase
    {
        Lower,
        Capital,
        Camel,
    }

    private static string Join(IReadOnlyList<string> words, WordCase wordCase, string separator)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < words.Count; i++)
        {
            if (i > 0)
                sb.Append(separator);
            var capital = wordCase == WordCase.Capital || (wordCase == WordCase.Camel && i > 0);
            var first = true;
            foreach (var rune in words[i].EnumerateRunes())
            {
                sb.Append((first && capital ? Rune.ToUpperInvariant(rune) : Rune.ToLowerInvariant(rune)).ToString());
                first = false;
            }
        }
        return sb.ToString();
    }

    private static string Concat(Rune[] runes, int start, int end)
    {
        var sb = new StringBuilder();
        for (var i = start; i < end; i++)
            sb.Append(runes[i].ToString());
        return sb.ToString();
    }

    // convert_case calls a character lower (upper) case when it has distinct cases and equals its lower (upper) form.
    private static bool IsLower(Rune r) => HasCase(r) && Rune.ToLowerInvariant(r) == r;

    private static bool IsUpper(Rune r) => HasCase(r) && Rune.ToUpperInvariant(r) == r;

    private static bool HasCase(Rune r) => Rune.ToUpperInvariant(r) != Rune.ToLowerInvariant(r);

    private static bool IsDigit(Rune r) => r.Value is >= '0' and <= '9';
}
