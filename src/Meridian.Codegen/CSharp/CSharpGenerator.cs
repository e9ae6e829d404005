using System.Globalization;
using System.Text;
using Meridian.Codegen.Model;
using Meridian.Sats.ModuleDef;
using Meridian.Sats.Types;

namespace Meridian.Codegen.CSharp;

/// <summary>
/// The <c>module_bindings</c> directory for Meridian.Client, in the layout and API shape of
/// SpacetimeDB's C# bindings: <c>SpacetimeDBClient.g.cs</c> (the typed <c>DbConnection</c>,
/// <c>RemoteTables</c>, <c>RemoteReducers</c>, <c>RemoteProcedures</c>, the contexts and the
/// <c>SubscriptionBuilder</c>), <c>Tables/&lt;Table&gt;.g.cs</c> (a handle per table and view with
/// its index accessors), <c>Types/&lt;Type&gt;.g.cs</c>, <c>Reducers/&lt;Reducer&gt;.g.cs</c> and
/// <c>Procedures/&lt;Procedure&gt;.g.cs</c>. Unlike upstream, every type carries its own BSATN code
/// (static lambdas, no reflection, no source generator), so the files compile on their own
/// against Meridian.Client, for netstandard2.1 as for net10.0.
/// </summary>
internal sealed class CSharpGenerator(ModuleModel module, BindingsOptions options)
{
    private const string Indent = "    ";
    private const string Client = "global::Meridian.Client";
    private const string Reader = "global::Meridian.Sats.Bsatn.BsatnReader";
    private const string Writer = "global::Meridian.Sats.Bsatn.BsatnWriter";
    private const string Codec = "global::Meridian.Client.BsatnCodec";

    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const", "continue", "decimal",
        "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern", "false", "finally", "fixed", "float", "for",
        "foreach", "goto", "if", "implicit", "in", "int", "interface", "internal", "is", "lock", "long", "namespace", "new", "null",
        "object", "operator", "out", "override", "params", "private", "protected", "public", "readonly", "ref", "return", "sbyte",
        "sealed", "short", "sizeof", "stackalloc", "static", "string", "struct", "switch", "this", "throw", "true", "try", "typeof",
        "uint", "ulong", "unchecked", "unsafe", "ushort", "using", "virtual", "void", "volatile", "while",
    };

    private string Ns => options.CSharpNamespace;

    private IEnumerable<TableModel> Tables => module.Tables.Where(t => t.IsPublic || options.IncludePrivate);

    private IEnumerable<TableModel> TablesAndViews => Tables.Concat(module.Views.Where(v => v.IsPublic || options.IncludePrivate));

    private IEnumerable<FunctionModel> Reducers => module.Reducers.Where(r => r.IsInvokable || (options.IncludePrivate && r.Lifecycle is null));

    private IEnumerable<FunctionModel> Procedures => module.Procedures.Where(p => p.ClientCallable || options.IncludePrivate);

    public List<GeneratedFile> Generate()
    {
        var files = new List<GeneratedFile>();
        foreach (var type in module.Types)
        {
            if (SpecialOf(type.Definition) is null)
                files.Add(TypeFile(type));
        }
        foreach (var table in TablesAndViews)
            files.Add(TableFile(table));
        foreach (var reducer in Reducers)
            files.Add(ReducerFile(reducer));
        foreach (var procedure in Procedures)
            files.Add(ProcedureFile(procedure));
        files.Add(ClientFile());
        CheckReserved(TablesAndViews.Select(t => t.AccessorName), "table or view", "RemoteTables", ["All", "AddTable"]);
        CheckReserved(Reducers.Select(r => r.AccessorName), "reducer", "RemoteReducers", ["Conn", "InternalCall"]);
        CheckReserved(Procedures.Select(p => p.AccessorName), "procedure", "RemoteProcedures", ["Conn", "InternalCall"]);
        var duplicate = files.GroupBy(f => f.Path, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new CodegenException($"Two generated files would both be {duplicate.Key}: rename one of the module's tables, types, reducers or procedures.");
        return files.OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
    }

    /// <summary>Refuses a module name whose C# member would hide one that Meridian.Client's base class gives <paramref name="owner"/>.</summary>
    private static void CheckReserved(IEnumerable<string> names, string kind, string owner, string[] reserved)
    {
        foreach (var name in names)
        {
            var member = Identifier(CanonicalNames.ToPascalCase(name));
            if (reserved.Contains(member, StringComparer.Ordinal) || member is "Equals" or "GetHashCode" or "GetType" or "ToString")
                throw new CodegenException($"The {kind} {name} would be {owner}.{member}, which Meridian.Client's bindings already use: rename it.");
        }
    }

    // ---- types ----

    private GeneratedFile TypeFile(NamedType type)
    {
        var w = new CodeWriter(Indent);
        switch (type.Definition)
        {
            case ProductType p:
                Product(w, type.Name, null, Fields(p, type.Name));
                break;
            case SumType s when s.IsSimpleEnum && s.Variants.Count > 0:
                w.Line($"/// <summary>The module's enum <c>{Xml(type.SourceName)}</c>.</summary>");
                Braces(w, $"public enum {type.Name}", () =>
                {
                    foreach (var v in Variants(s))
                        w.Line(v.Name + ",");
                });
                break;
            case SumType s:
                Sum(w, type, s);
                break;
            default:
                throw new CodegenException($"The named type {type.SourceName} is {type.Definition}; only products and sums can be generated.");
        }
        return File($"Types/{type.Name}.g.cs", w);
    }

    private static List<(string Name, string WireName, AlgebraicType Type)> Fields(ProductType p, string owner) =>
        p.Elements.Select((e, i) =>
        {
            var name = Identifier(CanonicalNames.ToPascalCase(e.Name ?? $"Field{i}"));
            if (name == owner)
                name += "_";
            return (name, e.Name ?? $"field{i}", e.Type);
        }).ToList();

    private static List<(string Name, AlgebraicType Type)> Variants(SumType s) =>
        s.Variants.Select((v, i) => (Identifier(CanonicalNames.ToPascalCase(v.Name ?? $"Variant{i}")), v.Type)).ToList();

    /// <summary>A class with public fields, constructors, BSATN and value equality (by BSATN).</summary>
    private void Product(CodeWriter w, string name, string? baseClass, List<(string Name, string WireName, AlgebraicType Type)> fields)
    {
        var q = Qualified(baseClass is null ? name : baseClass + "." + name);
        var inherits = baseClass is null ? $" : global::System.IEquatable<{name}>" : $" : {baseClass}, global::System.IEquatable<{name}>";
        Braces(w, $"public sealed partial class {name}{inherits}", () =>
        {
            foreach (var f in fields)
                w.Line($"public {TypeName(f.Type)} {f.Name}{Initializer(f.Type)};");
            if (fields.Count > 0)
                w.Line();
            if (fields.Count > 0)
            {
                Braces(w, $"public {name}({string.Join(", ", fields.Select(f => $"{TypeName(f.Type)} {f.Name}"))})", () =>
                {
                    foreach (var f in fields)
                        w.Line($"this.{f.Name} = {f.Name};");
                });
                w.Line();
            }
            w.Line($"public {name}()");
            w.Line("{");
            w.Line("}");
            w.Line();
            Braces(w, $"public static {q} ReadBsatn(ref {Reader} reader)", () =>
            {
                if (fields.Count == 0)
                {
                    w.Line($"return new {q}();");
                    return;
                }
                w.Line($"var value = new {q}();");
                foreach (var f in fields)
                    w.Line($"value.{f.Name} = {ReadExpr(f.Type, "reader", 0)};");
                w.Line("return value;");
            });
            w.Line();
            Braces(w, $"public static void WriteBsatn({Writer} writer, {q} value)", () =>
            {
                foreach (var f in fields)
                    w.Line(WriteExpr(f.Type, "writer", "value." + f.Name, 0) + ";");
            });
            w.Line();
            w.Line($"public bool Equals({name}? other) => other is not null && {Codec}.SameBsatn(this, other, WriteBsatn);");
            w.Line();
            w.Line($"public override bool Equals(object? obj) => obj is {name} other && Equals(other);");
            w.Line();
            w.Line($"public override int GetHashCode() => {Codec}.HashBsatn(this, WriteBsatn);");
            w.Line();
            var shown = string.Join(", ", fields.Select(f => $"{f.Name} = {{{f.Name}}}"));
            w.Line($"public override string ToString() => $\"{name} {{{{ {shown.Replace("\"", "\\\"", StringComparison.Ordinal)} }}}}\";");
        });
    }

    /// <summary>
    /// An abstract record with a nested record per variant (upstream's <c>TaggedEnum</c> in plain C#); a
    /// variant with a payload has a constructor, a get-only <c>Value</c> and <c>Deconstruct</c>.
    /// </summary>
    private void Sum(CodeWriter w, NamedType type, SumType s)
    {
        var q = Qualified(type.Name);
        var variants = Variants(s);
        w.Line($"/// <summary>The module's sum type <c>{Xml(type.SourceName)}</c>: one nested record per variant.</summary>");
        Braces(w, $"public abstract partial record {type.Name}", () =>
        {
            w.Line($"private {type.Name}()");
            w.Line("{");
            w.Line("}");
            w.Line();
            foreach (var (name, vt) in variants)
            {
                var variantName = name == type.Name ? name + "_" : name;
                if (IsUnit(vt))
                {
                    w.Line($"public sealed partial record {variantName} : {type.Name};");
                    continue;
                }
                // Not a positional record: its init accessor needs IsExternalInit, which netstandard2.1 (Unity) lacks.
                var valueType = TypeName(vt);
                Braces(w, $"public sealed partial record {variantName} : {type.Name}", () =>
                {
                    w.Line($"public {variantName}({valueType} value) => Value = value;");
                    w.Line();
                    w.Line($"public {valueType} Value {{ get; }}");
                    w.Line();
                    w.Line($"public void Deconstruct(out {valueType} value) => value = Value;");
                });
            }
            w.Line();
            Braces(w, $"public static {q} ReadBsatn(ref {Reader} reader)", () =>
            {
                w.Line($"var tag = reader.ReadSumTag({variants.Count}, \"{type.Name}\");");
                Braces(w, "switch (tag)", () =>
                {
                    for (var i = 0; i < variants.Count; i++)
                    {
                        var (name, vt) = variants[i];
                        var variantName = name == type.Name ? name + "_" : name;
                        w.Line(IsUnit(vt)
                            ? $"case {i}: return new {variantName}();"
                            : $"case {i}: return new {variantName}({ReadExpr(vt, "reader", 0)});");
                    }
                    w.Line($"default: throw new global::System.InvalidOperationException(\"Unreachable: ReadSumTag checks the tag.\");");
                });
            });
            w.Line();
            Braces(w, $"public static void WriteBsatn({Writer} writer, {q} value)", () =>
            {
                Braces(w, "switch (value)", () =>
                {
                    for (var i = 0; i < variants.Count; i++)
                    {
                        var (name, vt) = variants[i];
                        var variantName = name == type.Name ? name + "_" : name;
                        w.Line($"case {variantName} v{i}:");
                        w.Indent();
                        w.Line($"writer.WriteSumTag({i});");
                        if (!IsUnit(vt))
                            w.Line(WriteExpr(vt, "writer", $"v{i}.Value", 0) + ";");
                        w.Line("break;");
                        w.Dedent();
                    }
                    w.Line("default:");
                    w.Indent().Line("throw new global::System.ArgumentNullException(nameof(value));").Dedent();
                });
            });
        });
    }

    // ---- tables ----

    private GeneratedFile TableFile(TableModel table)
    {
        var w = new CodeWriter(Indent);
        var accessor = Identifier(CanonicalNames.ToPascalCase(table.AccessorName));
        var row = RowTypeName(table);
        var handle = accessor + "Handle";
        var fields = Fields(table.Row, row);
        Braces(w, "public sealed partial class RemoteTables", () =>
        {
            var kind = table.IsView ? "the view" : table.IsEvent ? "the event table" : "the table";
            w.Line($"/// <summary>The cached rows of {kind} <c>{Xml(table.Name)}</c>.</summary>");
            Braces(w, $"public sealed class {handle} : {Client}.RemoteTableHandle<EventContext, {row}>", () =>
            {
                w.Line($"public override string RemoteTableName => \"{table.Name}\";");
                var indexes = Indexes(table, fields);
                foreach (var ix in indexes)
                {
                    w.Line();
                    var baseName = ix.Unique ? "UniqueIndexBase" : "BTreeIndexBase";
                    var className = ix.Name + (ix.Unique ? "UniqueIndex" : "Index");
                    Braces(w, $"public sealed class {className} : {baseName}<{ix.KeyType}>", () =>
                    {
                        w.Line($"protected override {ix.KeyType} GetKey({row} row) => {ix.KeyExpr};");
                        w.Line();
                        w.Line($"public {className}({handle} table) : base(table) {{ }}");
                    });
                    w.Line();
                    w.Line($"public readonly {className} {ix.Name};");
                }
                w.Line();
                Braces(w, $"internal {handle}() : base({Qualified(row)}.ReadBsatn)", () =>
                {
                    foreach (var ix in indexes)
                        w.Line($"{ix.Name} = new(this);");
                });
                if (table.PrimaryKey is { } pk)
                {
                    w.Line();
                    w.Line($"protected override object? GetPrimaryKey({row} row) => row.{fields[pk].Name};");
                }
            });
            w.Line();
            w.Line($"public readonly {handle} {accessor};");
        });
        QueryColumns(w, table, accessor, row, fields);
        return File($"Tables/{accessor}.g.cs", w);
    }

    // The typed query builder's view of a table, as upstream's C# bindings have it: <Table>Cols with every
    // column and <Table>IxCols with the indexed ones (the only ones a semijoin may join on).
    private void QueryColumns(CodeWriter w, TableModel table, string accessor, string row, List<(string Name, string WireName, AlgebraicType Type)> fields)
    {
        var indexed = new SortedSet<int>(table.Indexes.SelectMany(ix => ix.Columns).Concat(table.Constraints.SelectMany(c => c.Columns)));
        if (table.PrimaryKey is { } pk)
            indexed.Add(pk);
        var all = Enumerable.Range(0, fields.Count).ToList();
        foreach (var (suffix, columnType, columns, what) in new[]
        {
            ("Cols", "Col", all, "The columns"),
            ("IxCols", "IxCol", indexed.ToList(), "The indexed columns"),
        })
        {
            w.Line();
            w.Line($"/// <summary>{what} of <c>{Xml(table.Name)}</c> in typed queries (<c>QueryBuilder</c>).</summary>");
            Braces(w, $"public sealed class {accessor}{suffix}", () =>
            {
                foreach (var i in columns)
                    w.Line($"public {Client}.{columnType}<{row}, {ColumnValueType(fields[i].Type)}> {fields[i].Name} {{ get; }}");
                if (columns.Count > 0)
                    w.Line();
                Braces(w, $"public {accessor}{suffix}(string tableName)", () =>
                {
                    foreach (var i in columns)
                    {
                        // Col is told which columns are optional (its orderings and IsNull depend on it); IxCol needs not.
                        var optional = columnType == "Col" && IsOption(fields[i].Type) ? ", optional: true" : "";
                        w.Line($"{fields[i].Name} = new(tableName, \"{table.Columns[i].Name}\"{optional});");
                    }
                });
            });
        }
    }

    // An option column compares with its inner type's values, as upstream's query builder has it.
    private string ColumnValueType(AlgebraicType type) =>
        Resolve(type) is SumType { SpecialKind: SpecialTypeKind.Option } option ? TypeName(option.Variants[0].Type) : TypeName(type);

    private bool IsOption(AlgebraicType type) => Resolve(type) is SumType { SpecialKind: SpecialTypeKind.Option };

    private List<(string Name, bool Unique, string KeyType, string KeyExpr)> Indexes(
        TableModel table, List<(string Name, string WireName, AlgebraicType Type)> fields)
    {
        var result = new List<(string Name, bool Unique, string KeyType, string KeyExpr)>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var ix in table.Indexes)
        {
            if (ix.AccessorName is null || ix.Columns.Count == 0)
                continue;
            var unique = ix.Columns.Count == 1
                && (table.PrimaryKey == ix.Columns[0] || table.Constraints.Any(c => c.Columns.SequenceEqual(ix.Columns)));
            var name = Identifier(CanonicalNames.ToPascalCase(ix.AccessorName));
            if (!names.Add(name))
                continue;
            var keyType = ix.Columns.Count == 1
                ? TypeName(fields[ix.Columns[0]].Type)
                : "(" + string.Join(", ", ix.Columns.Select(c => TypeName(fields[c].Type))) + ")";
            var keyExpr = ix.Columns.Count == 1
                ? "row." + fields[ix.Columns[0]].Name
                : "(" + string.Join(", ", ix.Columns.Select(c => "row." + fields[c].Name)) + ")";
            result.Add((name, unique, keyType, keyExpr));
        }
        return result;
    }

    private string RowTypeName(TableModel table)
    {
        var named = module.TypeOf(table.RowRef);
        return named.Name;
    }

    // ---- reducers and procedures ----

    private GeneratedFile ReducerFile(FunctionModel reducer)
    {
        var w = new CodeWriter(Indent);
        var name = Identifier(CanonicalNames.ToPascalCase(reducer.AccessorName));
        var fields = Fields(reducer.Params, name);
        var parameters = Parameters(reducer.Params);
        var paramList = string.Join(", ", parameters.Select(p => $"{TypeName(p.Type)} {p.Name}"));
        var argList = string.Join(", ", parameters.Select(p => p.Name));
        Braces(w, "public sealed partial class RemoteReducers", () =>
        {
            var handlerParams = parameters.Select(p => $"{TypeName(p.Type)} {p.Name}").Prepend("ReducerEventContext ctx");
            w.Line($"public delegate void {name}Handler({string.Join(", ", handlerParams)});");
            w.Line();
            w.Line($"/// <summary>Runs when a call of <c>{Xml(reducer.Name)}</c> made by this connection has its outcome.</summary>");
            w.Line($"public event {name}Handler? On{name};");
            w.Line();
            w.Line($"/// <summary>Calls the reducer <c>{Xml(reducer.Name)}</c>; the task completes with the outcome once it is applied.</summary>");
            w.Line($"public global::System.Threading.Tasks.Task<{Client}.ReducerEvent> {name}({paramList}) =>");
            var handlerArgs = parameters.Select(p => p.Name).Prepend("ctx");
            w.Indent().Line($"InternalCall(\"{reducer.Name}\", new Reducer.{name}({argList}), Reducer.{name}.WriteBsatn, " +
                $"ctx => On{name}?.Invoke({string.Join(", ", handlerArgs)}));").Dedent();
        });
        w.Line();
        Braces(w, "public abstract partial class Reducer", () => Product(w, name, "Reducer", fields));
        return File($"Reducers/{name}.g.cs", w);
    }

    private GeneratedFile ProcedureFile(FunctionModel procedure)
    {
        var w = new CodeWriter(Indent);
        var name = Identifier(CanonicalNames.ToPascalCase(procedure.AccessorName));
        var fields = Fields(procedure.Params, name + "Args");
        var parameters = Parameters(procedure.Params);
        var returnType = TypeName(procedure.ReturnType!);
        var paramList = string.Join(", ", parameters.Select(p => $"{TypeName(p.Type)} {p.Name}").Append($"ProcedureCallback<{returnType}>? callback = null"));
        var argList = string.Join(", ", parameters.Select(p => p.Name));
        Braces(w, "public sealed partial class RemoteProcedures", () =>
        {
            w.Line($"/// <summary>Calls the procedure <c>{Xml(procedure.Name)}</c>; the task (and <paramref name=\"callback\"/>) get its result.</summary>");
            w.Line($"public global::System.Threading.Tasks.Task<{Client}.ProcedureCallbackResult<{returnType}>> {name}({paramList}) =>");
            w.Indent();
            w.Line($"InternalCall(\"{procedure.Name}\", new Procedure.{name}Args({argList}), Procedure.{name}Args.WriteBsatn,");
            w.Indent();
            w.Line($"static (ref {Reader} reader) => {ReadExpr(procedure.ReturnType!, "reader", 0)},");
            w.Line("callback is null ? null : callback.Invoke);");
            w.Dedent().Dedent();
        });
        w.Line();
        Braces(w, "public abstract partial class Procedure", () => Product(w, name + "Args", "Procedure", fields));
        return File($"Procedures/{name}.g.cs", w);
    }

    private static List<(string Name, AlgebraicType Type)> Parameters(ProductType p)
    {
        // "ctx" and "callback" are taken by the handler delegates, the outcome lambdas and the procedure methods.
        var taken = new HashSet<string>(StringComparer.Ordinal) { "callback", "ctx" };
        return p.Elements.Select((e, i) =>
        {
            var name = Identifier(CanonicalNames.ToCamelCase(e.Name ?? $"arg{i}"));
            while (!taken.Add(name))
                name += "_";
            return (name, e.Type);
        }).ToList();
    }

    // ---- the connection ----

    private GeneratedFile ClientFile()
    {
        // Everything that is the same for every module lives in Meridian.Client (Bindings/): the connection's
        // typed members, the contexts' members and the call helpers. This file only names the module's classes.
        const string Types = "DbConnection, RemoteTables, RemoteReducers, RemoteProcedures, SubscriptionBuilder";
        var w = new CodeWriter(Indent);
        w.Line("/// <summary>The client cache: one handle per table and view.</summary>");
        Braces(w, $"public sealed partial class RemoteTables : {Client}.RemoteTablesBase", () =>
        {
            Braces(w, "internal RemoteTables()", () =>
            {
                foreach (var t in TablesAndViews)
                    w.Line($"AddTable({Identifier(CanonicalNames.ToPascalCase(t.AccessorName))} = new());");
            });
        });
        w.Line();
        (string Class, string Base, string What)[] remotes =
        [
            ("RemoteReducers", "RemoteReducersBase<DbConnection, ReducerEventContext>",
                "The module's reducers: a method to call each, an event for the outcome of this connection's calls."),
            ("RemoteProcedures", "RemoteProceduresBase<DbConnection, ProcedureEventContext>", "The module's procedures: a method to call each."),
        ];
        foreach (var (cls, baseClass, what) in remotes)
        {
            w.Line($"/// <summary>{what}</summary>");
            Braces(w, $"public sealed partial class {cls} : {Client}.{baseClass}", () =>
                w.Line($"internal {cls}(DbConnection conn) : base(conn) {{ }}"));
            w.Line();
        }
        w.Line("/// <summary>The arguments of every reducer, one nested class each.</summary>");
        w.Line("public abstract partial class Reducer");
        w.Line("{");
        w.Line("}");
        w.Line();
        w.Line("/// <summary>The arguments of every procedure, one nested class each.</summary>");
        w.Line("public abstract partial class Procedure");
        w.Line("{");
        w.Line("}");
        w.Line();
        w.Line("/// <summary>Receives a procedure's result.</summary>");
        w.Line($"public delegate void ProcedureCallback<T>(ProcedureEventContext ctx, {Client}.ProcedureCallbackResult<T> result);");
        w.Line();

        var contexts = new (string Name, string? EventType, string What)[]
        {
            ("EventContext", $"{Client}.Event", "row callbacks"),
            ("ReducerEventContext", $"{Client}.ReducerEvent", "reducer callbacks"),
            ("SubscriptionEventContext", null, "subscription callbacks"),
            ("ErrorContext", "global::System.Exception", "error callbacks"),
            ("ProcedureEventContext", $"{Client}.ProcedureEvent", "procedure callbacks"),
        };
        foreach (var (name, eventType, what) in contexts)
        {
            w.Line($"/// <summary>What {what} see: the cache, the reducers and procedures{(eventType is null ? "" : ", and the event")}.</summary>");
            Braces(w, $"public sealed class {name} : {Client}.DbContext<{Types}{(eventType is null ? "" : ", " + eventType)}>", () =>
                w.Line(eventType is null
                    ? $"internal {name}(DbConnection conn) : base(conn) {{ }}"
                    : $"internal {name}(DbConnection conn, {eventType} @event) : base(conn, @event) {{ }}"));
            w.Line();
        }

        w.Line("/// <summary>Configures a subscription of this connection: SQL queries, or typed ones with <c>AddQuery</c>.</summary>");
        Braces(w, $"public sealed class SubscriptionBuilder : {Client}.SubscriptionBuilder<SubscriptionEventContext, ErrorContext>", () =>
        {
            w.Line("internal SubscriptionBuilder(DbConnection conn) : base(conn) { }");
            w.Line();
            w.Line("public new SubscriptionBuilder OnApplied(Action<SubscriptionEventContext> callback)");
            w.Line("{");
            w.Indent().Line("base.OnApplied(callback);").Line("return this;").Dedent();
            w.Line("}");
            w.Line();
            w.Line("public new SubscriptionBuilder OnError(Action<ErrorContext, Exception> callback)");
            w.Line("{");
            w.Indent().Line("base.OnError(callback);").Line("return this;").Dedent();
            w.Line("}");
            w.Line();
            w.Line("/// <summary>Starts a subscription of typed queries: <c>.AddQuery(qb => qb.From.Table().Where(c => ...)).Subscribe()</c>.</summary>");
            w.Line($"public TypedSubscriptionBuilder AddQuery<TRow>(Func<QueryBuilder, {Client}.IQuery<TRow>> build) =>");
            w.Indent().Line("new TypedSubscriptionBuilder(this).AddQuery(build);").Dedent();
        });
        w.Line();
        w.Line("/// <summary>A subscription of typed queries, sent as the SQL they build; applied together as one set.</summary>");
        Braces(w, "public sealed class TypedSubscriptionBuilder", () =>
        {
            w.Line("private readonly SubscriptionBuilder _builder;");
            w.Line("private readonly global::System.Collections.Generic.List<string> _queries = new();");
            w.Line();
            w.Line("internal TypedSubscriptionBuilder(SubscriptionBuilder builder) => _builder = builder;");
            w.Line();
            w.Line("public TypedSubscriptionBuilder OnApplied(Action<SubscriptionEventContext> callback)");
            w.Line("{");
            w.Indent().Line("_builder.OnApplied(callback);").Line("return this;").Dedent();
            w.Line("}");
            w.Line();
            w.Line("public TypedSubscriptionBuilder OnError(Action<ErrorContext, Exception> callback)");
            w.Line("{");
            w.Indent().Line("_builder.OnError(callback);").Line("return this;").Dedent();
            w.Line("}");
            w.Line();
            w.Line($"public TypedSubscriptionBuilder AddQuery<TRow>(Func<QueryBuilder, {Client}.IQuery<TRow>> build)");
            w.Line("{");
            w.Indent().Line("_queries.Add(build(new QueryBuilder()).ToSql());").Line("return this;").Dedent();
            w.Line("}");
            w.Line();
            w.Line($"public {Client}.SubscriptionHandle<SubscriptionEventContext, ErrorContext> Subscribe() => _builder.Subscribe(_queries.ToArray());");
        });
        w.Line();
        w.Line("/// <summary>Typed queries: <c>new QueryBuilder().From.Table().Where(c => c.Column.Eq(value)).ToSql()</c>.</summary>");
        Braces(w, "public sealed class QueryBuilder", () =>
            w.Line("public From From { get; } = new();"));
        w.Line();
        w.Line("/// <summary>The tables and views a typed query starts from.</summary>");
        Braces(w, "public sealed class From", () =>
        {
            var first = true;
            foreach (var t in TablesAndViews)
            {
                if (!first)
                    w.Line();
                first = false;
                var accessor = Identifier(CanonicalNames.ToPascalCase(t.AccessorName));
                var literal = "\"" + t.Name + "\"";
                w.Line($"public {Client}.Table<{RowTypeName(t)}, {accessor}Cols, {accessor}IxCols> {accessor}() =>");
                w.Indent().Line($"new({literal}, new {accessor}Cols({literal}), new {accessor}IxCols({literal}));").Dedent();
            }
        });
        w.Line();
        w.Line("/// <summary>A connection to a database running this module, with its client cache.</summary>");
        Braces(w, $"public sealed class DbConnection : {Client}.DbConnectionBase<{Types}>", () =>
        {
            w.Line("private DbConnection()");
            w.Indent().Line(": base(new RemoteTables(), static conn => new RemoteReducers(conn), static conn => new RemoteProcedures(conn))").Dedent();
            w.Line("{");
            w.Line("}");
            w.Line();
            w.Line("/// <summary>Starts configuring a connection: <c>DbConnection.Builder().WithUri(..).WithDatabaseName(..).Build()</c>.</summary>");
            w.Line($"public static {Client}.DbConnectionBuilder<DbConnection> Builder() => new(() => new DbConnection());");
            w.Line();
            w.Line("public override SubscriptionBuilder SubscriptionBuilder() => new(this);");
            w.Line();
            w.Line($"protected override object CreateEventContext({Client}.Event @event) => new EventContext(this, @event);");
            w.Line();
            w.Line($"protected override object CreateReducerEventContext({Client}.ReducerEvent reducerEvent) => new ReducerEventContext(this, reducerEvent);");
            w.Line();
            w.Line("protected override object CreateSubscriptionEventContext() => new SubscriptionEventContext(this);");
            w.Line();
            w.Line("protected override object CreateErrorContext(global::System.Exception error) => new ErrorContext(this, error);");
            w.Line();
            w.Line($"protected override object CreateProcedureEventContext({Client}.ProcedureEvent procedureEvent) =>");
            w.Indent().Line("new ProcedureEventContext(this, procedureEvent);").Dedent();
        });
        return File("SpacetimeDBClient.g.cs", w, versionLine: true);
    }

    // ---- types and codecs ----

    /// <summary>The C# type of <paramref name="type"/> (usable in type positions).</summary>
    internal string TypeName(AlgebraicType type)
    {
        if (type is RefType r)
        {
            var named = module.TypeOf(r.Index);
            return SpecialOf(named.Definition) is not null ? TypeName(named.Definition) : Qualified(named.Name);
        }
        switch (type.SpecialKind)
        {
            case SpecialTypeKind.Identity: return "global::Meridian.Sats.Identity";
            case SpecialTypeKind.ConnectionId: return "global::Meridian.Sats.ConnectionId";
            case SpecialTypeKind.Timestamp: return "global::Meridian.Sats.Timestamp";
            case SpecialTypeKind.TimeDuration: return "global::Meridian.Sats.TimeDuration";
            case SpecialTypeKind.Uuid: return "global::Meridian.Sats.Uuid";
            case SpecialTypeKind.ScheduleAt: return "global::Meridian.Sats.ScheduleAt";
            case SpecialTypeKind.Option:
                var inner = ((SumType)type).Variants[0].Type;
                if (Resolve(inner).SpecialKind == SpecialTypeKind.Option)
                    throw new CodegenException($"The type {type} (an option of an option) has no C# form: C# has one null.");
                return TypeName(inner) + "?";
            case SpecialTypeKind.Result:
                var result = (SumType)type;
                return $"{Client}.Result<{TypeName(result.Variants[0].Type)}, {TypeName(result.Variants[1].Type)}>";
            default:
                break;
        }
        return type switch
        {
            ProductType { Elements.Count: 0 } => $"{Client}.Unit",
            ArrayType { ElementType.Tag: AlgebraicTypeTag.U8 } => "byte[]",
            ArrayType a => $"global::System.Collections.Generic.List<{TypeName(a.ElementType)}>",
            PrimitiveType p => p.Tag switch
            {
                AlgebraicTypeTag.Bool => "bool",
                AlgebraicTypeTag.I8 => "sbyte",
                AlgebraicTypeTag.U8 => "byte",
                AlgebraicTypeTag.I16 => "short",
                AlgebraicTypeTag.U16 => "ushort",
                AlgebraicTypeTag.I32 => "int",
                AlgebraicTypeTag.U32 => "uint",
                AlgebraicTypeTag.I64 => "long",
                AlgebraicTypeTag.U64 => "ulong",
                AlgebraicTypeTag.I128 => "Int128",
                AlgebraicTypeTag.U128 => "UInt128",
                AlgebraicTypeTag.I256 => "global::Meridian.Sats.Numerics.Int256",
                AlgebraicTypeTag.U256 => "global::Meridian.Sats.Numerics.UInt256",
                AlgebraicTypeTag.F32 => "float",
                AlgebraicTypeTag.F64 => "double",
                AlgebraicTypeTag.String => "string",
                _ => throw new CodegenException($"The type {type} cannot be generated."),
            },
            ProductType => throw new CodegenException(
                $"The anonymous product type {type} cannot be generated: declare it as a named type ([SpacetimeDB.Type])."),
            SumType => throw new CodegenException($"The anonymous sum type {type} cannot be generated: declare it as a named type ([SpacetimeDB.Type])."),
            _ => throw new CodegenException($"The type {type} cannot be generated."),
        };
    }

    /// <summary>Whether the C# type is a value type (so its option is <c>T?</c> of <see cref="Nullable{T}"/>).</summary>
    private bool IsValueType(AlgebraicType type)
    {
        var t = Resolve(type);
        if (t.SpecialKind is SpecialTypeKind.Identity or SpecialTypeKind.ConnectionId or SpecialTypeKind.Timestamp
            or SpecialTypeKind.TimeDuration or SpecialTypeKind.Uuid or SpecialTypeKind.ScheduleAt)
            return true;
        if (t.SpecialKind is SpecialTypeKind.Option or SpecialTypeKind.Result)
            return false;
        return t switch
        {
            ProductType { Elements.Count: 0 } => true,
            PrimitiveType p => p.Tag != AlgebraicTypeTag.String,
            SumType s => s.IsSimpleEnum && s.Variants.Count > 0 && type is RefType,
            _ => false,
        };
    }

    /// <summary>An expression reading <paramref name="type"/> from the reader variable <paramref name="r"/>.</summary>
    private string ReadExpr(AlgebraicType type, string r, int depth)
    {
        var next = "r" + (depth + 1);
        string Lambda(AlgebraicType inner) => $"static (ref {Reader} {next}) => {ReadExpr(inner, next, depth + 1)}";
        if (type is RefType rt)
        {
            var named = module.TypeOf(rt.Index);
            if (SpecialOf(named.Definition) is not null)
                return ReadExpr(named.Definition, r, depth);
            if (named.IsPlainEnum)
                return $"({Qualified(named.Name)}){r}.ReadSumTag({((SumType)named.Definition).Variants.Count}, \"{named.Name}\")";
            return $"{Qualified(named.Name)}.ReadBsatn(ref {r})";
        }
        switch (type.SpecialKind)
        {
            case SpecialTypeKind.Identity or SpecialTypeKind.ConnectionId or SpecialTypeKind.Timestamp
                or SpecialTypeKind.TimeDuration or SpecialTypeKind.Uuid or SpecialTypeKind.ScheduleAt:
                return $"{TypeName(type)}.ReadBsatn(ref {r})";
            case SpecialTypeKind.Option:
                var inner = ((SumType)type).Variants[0].Type;
                return $"{Codec}.{(IsValueType(inner) ? "ReadOptionValue" : "ReadOptionRef")}(ref {r}, {Lambda(inner)})";
            case SpecialTypeKind.Result:
                var result = (SumType)type;
                return $"{Codec}.ReadResult(ref {r}, {Lambda(result.Variants[0].Type)}, {Lambda(result.Variants[1].Type)})";
            default:
                break;
        }
        return type switch
        {
            ProductType { Elements.Count: 0 } => $"{Client}.Unit.ReadBsatn(ref {r})",
            ArrayType { ElementType.Tag: AlgebraicTypeTag.U8 } => $"{Codec}.ReadByteArray(ref {r})",
            ArrayType a => $"{Codec}.ReadList(ref {r}, {Lambda(a.ElementType)})",
            PrimitiveType p => $"{r}.Read{(p.Tag == AlgebraicTypeTag.String ? "String" : p.Tag.ToString())}()",
            _ => throw new CodegenException($"The type {type} cannot be generated."),
        };
    }

    /// <summary>An expression writing <paramref name="value"/> of <paramref name="type"/> to the writer variable <paramref name="w"/>.</summary>
    private string WriteExpr(AlgebraicType type, string w, string value, int depth)
    {
        var nw = "w" + (depth + 1);
        var nv = "v" + (depth + 1);
        string Lambda(AlgebraicType inner) => $"static ({nw}, {nv}) => {WriteExpr(inner, nw, nv, depth + 1)}";
        if (type is RefType rt)
        {
            var named = module.TypeOf(rt.Index);
            if (SpecialOf(named.Definition) is not null)
                return WriteExpr(named.Definition, w, value, depth);
            if (named.IsPlainEnum)
                return $"{w}.WriteSumTag((byte){value})";
            return $"{Qualified(named.Name)}.WriteBsatn({w}, {value})";
        }
        switch (type.SpecialKind)
        {
            case SpecialTypeKind.Identity or SpecialTypeKind.ConnectionId or SpecialTypeKind.Timestamp
                or SpecialTypeKind.TimeDuration or SpecialTypeKind.Uuid or SpecialTypeKind.ScheduleAt:
                return $"{value}.WriteBsatn({w})";
            case SpecialTypeKind.Option:
                var inner = ((SumType)type).Variants[0].Type;
                return $"{Codec}.{(IsValueType(inner) ? "WriteOptionValue" : "WriteOptionRef")}({w}, {value}, {Lambda(inner)})";
            case SpecialTypeKind.Result:
                var result = (SumType)type;
                return $"{Codec}.WriteResult({w}, {value}, {Lambda(result.Variants[0].Type)}, {Lambda(result.Variants[1].Type)})";
            default:
                break;
        }
        return type switch
        {
            ProductType { Elements.Count: 0 } => $"{Client}.Unit.WriteBsatn({w}, {value})",
            ArrayType { ElementType.Tag: AlgebraicTypeTag.U8 } => $"{w}.WriteBytes({value})",
            ArrayType a => $"{Codec}.WriteList({w}, {value}, {Lambda(a.ElementType)})",
            PrimitiveType p => $"{w}.Write{(p.Tag == AlgebraicTypeTag.String ? "String" : p.Tag.ToString())}({value})",
            _ => throw new CodegenException($"The type {type} cannot be generated."),
        };
    }

    /// <summary>A field initializer that keeps non-nullable reference fields non-null in a new object.</summary>
    private string Initializer(AlgebraicType type)
    {
        if (IsValueType(type) || type.SpecialKind == SpecialTypeKind.Option)
            return "";
        var t = Resolve(type);
        if (type is RefType && t is ProductType)
            return " = new()";
        return t switch
        {
            PrimitiveType { Tag: AlgebraicTypeTag.String } => " = \"\"",
            ArrayType { ElementType.Tag: AlgebraicTypeTag.U8 } => " = global::System.Array.Empty<byte>()",
            ArrayType => " = new()",
            _ => " = null!",
        };
    }

    /// <summary>A header line, then the body in braces one level deeper.</summary>
    private static void Braces(CodeWriter w, string header, Action body)
    {
        w.Line(header);
        w.Block("{", body, "}");
    }

    private static bool IsUnit(AlgebraicType type) => type is ProductType { Elements.Count: 0 };

    private AlgebraicType Resolve(AlgebraicType type)
    {
        if (type is RefType r)
        {
            var named = module.TypeOf(r.Index);
            return named.Definition;
        }
        return type;
    }

    private static SpecialTypeKind? SpecialOf(AlgebraicType definition) =>
        definition.SpecialKind is SpecialTypeKind.None or SpecialTypeKind.Result ? null : definition.SpecialKind;

    private string Qualified(string name) => $"global::{Ns}.{name}";

    private static string Identifier(string name)
    {
        if (name.Length == 0)
            return "_";
        var text = new StringBuilder();
        foreach (var c in name)
            text.Append(char.IsLetterOrDigit(c) || c == '_' ? c : '_');
        if (char.IsDigit(text[0]))
            text.Insert(0, '_');
        var result = text.ToString();
        return Keywords.Contains(result) ? "@" + result : result;
    }

    private static string Xml(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private GeneratedFile File(string path, CodeWriter body, bool versionLine = false)
    {
        var text = new StringBuilder();
        text.Append("// THIS FILE IS GENERATED BY MERIDIAN. Do not edit it: `meridian generate` writes it again\n");
        text.Append("// from the module's definition. Change the module instead.\n");
        text.Append("// <auto-generated />\n");
        if (versionLine)
            text.Append(CultureInfo.InvariantCulture, $"//\n// Generated by meridian {options.ToolVersion} for Meridian.Client.\n");
        text.Append('\n');
        text.Append("#nullable enable\n");
        text.Append("#pragma warning disable CS1591 // Generated members carry no XML documentation.\n");
        text.Append('\n');
        text.Append("using System;\n");
        text.Append("using Meridian.Sats.Numerics;\n");
        text.Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"namespace {Ns}\n{{\n");
        foreach (var line in body.ToString().Split('\n'))
        {
            if (line.Length > 0)
                text.Append(Indent).Append(line);
            text.Append('\n');
        }
        // The split leaves one empty line for the body's final newline; the brace closes the namespace.
        text.Length -= 1;
        text.Append("}\n");
        return new GeneratedFile(path, text.ToString());
    }
}
