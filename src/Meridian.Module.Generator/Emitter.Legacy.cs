using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace Meridian.Module.Generator;

internal static partial class Emitter
{
    /// <summary>
    /// 1.x style: a table declared with <c>Name</c> and no <c>Accessor</c> is also reachable as
    /// <c>ctx.Db.&lt;Name&gt;</c>, unless that name is not an identifier or collides with another accessor.
    /// </summary>
    private static void LegacyTableAccessors(StringBuilder sb, List<(TypeModel Row, TableDeclModel Decl)> tables)
    {
        var accessors = new HashSet<string>(tables.Select(t => t.Decl.Accessor), StringComparer.Ordinal);
        var aliases = tables
            .Where(t => t.Decl.LegacyAccessor is { } a && SyntaxFacts.IsValidIdentifier(a) && !accessors.Contains(a) && a != "Equals" && a != "GetHashCode"
                && a != "GetType" && a != "ToString")
            .GroupBy(t => t.Decl.LegacyAccessor!, StringComparer.Ordinal)
            .Where(g => g.Count() == 1)
            .Select(g => g.Single());
        foreach (var (row, decl) in aliases)
        {
            sb.Append($"        /// <summary>The <c>{decl.Accessor}</c> table, by its 1.x-style name.</summary>\n");
            sb.Append($"        {Access(row)} global::SpacetimeDB.Internal.TableHandles.{Id(decl.Accessor)} {Id(decl.LegacyAccessor!)} => default;\n");
        }
    }
}
