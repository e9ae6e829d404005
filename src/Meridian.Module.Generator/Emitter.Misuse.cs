using System.Text;

namespace Meridian.Module.Generator;

// Members that exist only to turn a common mistake into a clear error: ctx.Db.T.Update(row) and ctx.Db.T.Find(key)
// on the table handle (upstream puts them on a unique column's accessor). They are [Obsolete(error: true)] with a
// Meridian diagnostic id, so the compiler reports MRDN0301/MRDN0302 with the way to write it at the call.
internal static partial class Emitter
{
    private static void MisuseGuides(StringBuilder sb, string rowType, TableDeclModel decl)
    {
        var members = new HashSet<string>(
            decl.Columns.Where(c => c.Unique).Select(c => c.Name).Concat(decl.BTrees.Select(b => b.Accessor)), StringComparer.Ordinal);
        var key = decl.Columns.FirstOrDefault(c => c.PrimaryKey) ?? decl.Columns.FirstOrDefault(c => c.Unique);
        var table = decl.Accessor;
        string Message(string what, string call) => key is null
            ? $"Table {table} has no [PrimaryKey] or [Unique] column, so it has no {what}: mark its key column [PrimaryKey] "
                + (what == "Update" ? "(or Delete the old row and Insert the new one)" : "(or use Iter(), or an [Index.BTree] column's Filter)")
            : $"{what} is on a unique column's accessor: ctx.Db.{table}.{key.Name}.{call}";
        if (!members.Contains("Update"))
        {
            sb.Append("\n        /// <summary>Not available here: updates go through a unique column's accessor.</summary>\n");
            sb.Append($"        [global::System.Obsolete({Lit(Message("Update", "Update(row)"))}, true, DiagnosticId = \"MRDN0301\")]\n");
            sb.Append($"        public {rowType} Update({rowType} row) => throw new global::System.NotSupportedException();\n");
        }
        if (!members.Contains("Find"))
        {
            sb.Append("\n        /// <summary>Not available here: lookups by key go through a unique column's accessor.</summary>\n");
            sb.Append($"        [global::System.Obsolete({Lit(Message("Find", "Find(key)"))}, true, DiagnosticId = \"MRDN0302\")]\n");
            sb.Append($"        public {rowType}? Find(object? key) => throw new global::System.NotSupportedException();\n");
        }
    }
}
