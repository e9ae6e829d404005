using System.Text;

namespace Meridian.Runtime.Tests.LiveGrammar;

/// <summary>The form of a generated live query, for the harness's tally of what it exercised.</summary>
internal enum LiveQueryForm
{
    SingleTable,
    Join2,
    Join3,
    Join4,
    Window,
    Aggregate,
}

/// <summary>A generated live query: its SQL and its form.</summary>
internal sealed record LiveQuerySpec(string Sql, LiveQueryForm Form);

/// <summary>
/// Random live queries over a <see cref="RandomSchema"/>, from every form the subscription dialect
/// supports: single-table filters, inner joins of 2–4 sources (self-joins included) with ON and
/// WHERE conditions that compare columns of several sources, ordered windows over one or more
/// sources, <c>:sender</c> conditions, and the schema's aggregate views.
/// </summary>
internal sealed class RandomLiveQuery(Random random, RandomModule values, RandomSchema schema)
{
    private static readonly string[] Operators = ["=", "!=", "<", "<=", ">", ">="];

    private bool Chance(double p) => random.NextDouble() < p;

    private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

    /// <summary>A query of a random form.</summary>
    public LiveQuerySpec Next()
    {
        var roll = random.Next(12);
        return Next(roll switch
        {
            0 => LiveQueryForm.Aggregate,
            <= 2 => LiveQueryForm.SingleTable,
            <= 4 => LiveQueryForm.Join2,
            <= 6 => LiveQueryForm.Join3,
            <= 8 => LiveQueryForm.Join4,
            _ => LiveQueryForm.Window,
        });
    }

    /// <summary>A query of the given form (a window over 1–3 sources; an aggregate falls back to a join when the schema has none).</summary>
    public LiveQuerySpec Next(LiveQueryForm form) => form switch
    {
        LiveQueryForm.Aggregate when schema.Aggregates.Count > 0 =>
            new LiveQuerySpec($"SELECT * FROM {Pick(schema.Aggregates).Name}", LiveQueryForm.Aggregate),
        LiveQueryForm.SingleTable => Select(1, window: false),
        LiveQueryForm.Join2 or LiveQueryForm.Aggregate => Select(2, window: false),
        LiveQueryForm.Join3 => Select(3, window: false),
        LiveQueryForm.Join4 => Select(4, window: false),
        _ => Select(random.Next(1, 4), window: true),
    };

    private LiveQuerySpec Select(int count, bool window)
    {
        var sources = Enumerable.Range(0, count).Select(_ => Pick(schema.Tables)).ToList();
        var aliased = count > 1 || Chance(0.5);
        string Name(int s) => aliased ? $"a{s}" : sources[s].Name;
        string Column(int s, int c) => $"{Name(s)}.{sources[s].Columns[c].Name}";

        var sql = new StringBuilder();
        var projected = random.Next(count);
        sql.Append(count == 1 ? "SELECT * FROM " : $"SELECT {Name(projected)}.* FROM ");
        sql.Append(sources[0].Name).Append(aliased ? " a0" : "");
        for (var s = 1; s < count; s++)
        {
            sql.Append(Chance(0.2) ? " INNER JOIN " : " JOIN ").Append(sources[s].Name).Append($" a{s}");
            // Mostly an equality with an earlier source (a real join); sometimes a range or no ON at all (a cross product).
            var partners = Enumerable.Range(0, s)
                .SelectMany(p => Enumerable.Range(0, sources[p].Columns.Count).Select(c => (p, c)))
                .SelectMany(pc => Enumerable.Range(0, sources[s].Columns.Count)
                    .Where(c => sources[s].Columns[c].Kind == sources[pc.p].Columns[pc.c].Kind)
                    .Select(c => (pc.p, pc.c, mine: c)))
                .ToList();
            if (partners.Count > 0 && Chance(0.85))
            {
                var (p, c, mine) = Pick(partners);
                var op = Chance(0.85) ? "=" : Pick(Operators);
                sql.Append($" ON {Column(s, mine)} {op} {Column(p, c)}");
            }
        }

        var conditions = new List<string>();
        for (var n = random.Next(0, 3); n > 0; n--)
            conditions.Add(Condition(sources, Column, depth: 0));
        if (conditions.Count > 0)
            sql.Append(" WHERE ").Append(string.Join(" AND ", conditions));

        if (window)
        {
            var keys = new List<string>();
            for (var k = random.Next(1, 3); k > 0; k--)
            {
                var s = random.Next(count);
                keys.Add(Column(s, random.Next(sources[s].Columns.Count)) + (Chance(0.5) ? " DESC" : Chance(0.5) ? " ASC" : ""));
            }
            sql.Append(" ORDER BY ").Append(string.Join(", ", keys));
            if (Chance(0.85))
                sql.Append(" LIMIT ").Append(random.Next(1, 6));
            if (Chance(0.4))
                sql.Append(" OFFSET ").Append(random.Next(0, 3));
            else if (!sql.ToString().Contains(" LIMIT ", StringComparison.Ordinal))
                sql.Append(" LIMIT 3");
        }
        var form = window ? LiveQueryForm.Window : count switch
        {
            1 => LiveQueryForm.SingleTable,
            2 => LiveQueryForm.Join2,
            3 => LiveQueryForm.Join3,
            _ => LiveQueryForm.Join4,
        };
        return new LiveQuerySpec(sql.ToString(), form);
    }

    // A condition: a column against a literal, :sender or a column of any source (of the same kind), or a combination.
    private string Condition(List<RandomTable> sources, Func<int, int, string> column, int depth)
    {
        var roll = random.Next(depth > 1 ? 3 : 8);
        if (roll == 5)
            return $"({Condition(sources, column, depth + 1)} OR {Condition(sources, column, depth + 1)})";
        if (roll == 6)
            return $"NOT ({Condition(sources, column, depth + 1)})";
        if (roll == 7)
            return Chance(0.5) ? "TRUE" : "TRUE = TRUE";
        var s = random.Next(sources.Count);
        var c = random.Next(sources[s].Columns.Count);
        var kind = sources[s].Columns[c].Kind;
        if (roll <= 1)
        {
            var others = Enumerable.Range(0, sources.Count)
                .SelectMany(o => Enumerable.Range(0, sources[o].Columns.Count)
                    .Where(x => sources[o].Columns[x].Kind == kind && (o, x) != (s, c)).Select(x => (o, x)))
                .ToList();
            if (others.Count > 0)
            {
                var (o, x) = Pick(others);
                return $"{column(s, c)} {Pick(Operators)} {column(o, x)}";
            }
        }
        if (kind == ColumnKind.Identity)
        {
            return Chance(0.7)
                ? $"{column(s, c)} {(Chance(0.8) ? "=" : "!=")} :sender"
                : $"{column(s, c)} = {RandomModule.Literal(kind, values.Value(schema, kind))}";
        }
        var op = kind == ColumnKind.Bool ? (Chance(0.5) ? "=" : "!=") : Pick(Operators);
        return $"{column(s, c)} {op} {RandomModule.Literal(kind, values.Value(schema, kind))}";
    }
}
