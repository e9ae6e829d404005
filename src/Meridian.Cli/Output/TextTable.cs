using System.Text;

namespace Meridian.Cli.Output;

/// <summary>An aligned, psql-like text table: a header row, a rule, then one line per row.</summary>
internal static class TextTable
{
    /// <summary>
    /// Writes <paramref name="rows"/> under <paramref name="headers"/>; columns flagged in
    /// <paramref name="rightAligned"/> (numbers) align right.
    /// </summary>
    public static void Write(TextWriter output, IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows, IReadOnlyList<bool> rightAligned)
    {
        var widths = new int[headers.Count];
        var cleanHeaders = headers.Select(Clean).ToArray();
        var cleanRows = rows.Select(r => r.Select(Clean).ToArray()).ToArray();
        for (var c = 0; c < widths.Length; c++)
        {
            widths[c] = cleanHeaders[c].Length;
            foreach (var row in cleanRows)
                widths[c] = Math.Max(widths[c], row[c].Length);
        }

        var line = new StringBuilder();
        for (var c = 0; c < widths.Length; c++)
        {
            line.Append(c == 0 ? " " : " | ");
            line.Append(cleanHeaders[c].PadRight(widths[c]));
        }
        output.WriteLine(line.ToString().TrimEnd());

        line.Clear();
        for (var c = 0; c < widths.Length; c++)
        {
            if (c > 0)
                line.Append('+');
            line.Append('-', widths[c] + 2);
        }
        output.WriteLine(line.ToString());

        foreach (var row in cleanRows)
        {
            line.Clear();
            for (var c = 0; c < widths.Length; c++)
            {
                line.Append(c == 0 ? " " : " | ");
                line.Append(rightAligned[c] ? row[c].PadLeft(widths[c]) : row[c].PadRight(widths[c]));
            }
            output.WriteLine(line.ToString().TrimEnd());
        }
    }

    // A line break or tab inside a cell would break the alignment of every row after it.
    private static string Clean(string cell)
    {
        if (cell.AsSpan().IndexOfAny("\r\n\t") < 0)
            return cell;
        return cell.Replace("\r", "\\r", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal)
            .Replace("\t", "\\t", StringComparison.Ordinal);
    }
}
