using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Meridian.Module.Generator;

// 1.x-style declarations: [Table(Name = "user")] used as ctx.Db.user, and type-level indexes with Name and no Accessor.
internal static partial class Parser
{
    /// <summary>Members every table handle has; an index accessor must not shadow them.</summary>
    private static readonly HashSet<string> HandleMembers = new(StringComparer.Ordinal) { "Count", "Iter", "Insert", "Delete", "Clear" };

    /// <summary>
    /// The accessor of a type-level index declared with <c>Name</c> and no <c>Accessor</c>: the name,
    /// when it is a C# identifier that no other member of the table handle already uses; otherwise null.
    /// </summary>
    private static string? LegacyIndexAccessor(string? name, List<ColumnModel> columns, List<BTreeModel> btrees, List<BTreeModel> fieldBTrees)
    {
        if (name is null || !SyntaxFacts.IsValidIdentifier(name) || HandleMembers.Contains(name))
            return null;
        var taken = columns.Where(c => c.Unique).Select(c => c.Name).Concat(btrees.Concat(fieldBTrees).Select(b => b.Accessor));
        return taken.Contains(name, StringComparer.Ordinal) ? null : name;
    }
}

internal static partial class Parser
{
    /// <summary><c>Result&lt;T, E&gt;</c>: the special sum <c>[ok: T, err: E]</c>.</summary>
    private static TypeUse? MapResult(INamedTypeSymbol result, out string? error)
    {
        var ok = MapType(result.TypeArguments[0], out error);
        if (ok is null)
            return null;
        var err = MapType(result.TypeArguments[1], out error);
        if (err is null)
            return null;
        var cs = $"global::SpacetimeDB.Result<{ok.CSharp}, {err.CSharp}>";
        return new TypeUse(cs, $"{cs}.BSATN<{ok.Serializer}, {err.Serializer}>", KeyCategory.None);
    }
}
