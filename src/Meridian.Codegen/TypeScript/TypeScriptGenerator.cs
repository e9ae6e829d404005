using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Meridian.Codegen.Model;
using Meridian.Sats.ModuleDef;
using Meridian.Sats.Types;

namespace Meridian.Codegen.TypeScript;

/// <summary>
/// The <c>module_bindings</c> directory the official TypeScript SDK (npm <c>spacetimedb</c> 2.10.1)
/// expects: one <c>*_table.ts</c> per public table and view, one <c>*_reducer.ts</c> per callable
/// reducer, one <c>*_procedure.ts</c> per procedure, <c>types.ts</c> with every named type,
/// <c>types/reducers.ts</c> and <c>types/procedures.ts</c>, and <c>index.ts</c> tying them into the
/// typed <c>DbConnection</c>, the query builders (<c>tables</c>), <c>reducers</c> and <c>procedures</c>.
/// Files, names and exports are those of <c>spacetime generate --lang typescript</c>; imports name
/// only what a file uses, so the files also compile with <c>noUnusedLocals</c>.
/// </summary>
internal sealed partial class TypeScriptGenerator(ModuleModel module, BindingsOptions options)
{
    /// <summary>The SDK version the bindings are written for; the SDK checks it (<c>versionInfo.cliVersion</c>).</summary>
    public const string SdkVersion = "2.10.1";

    private const string Indent = "  ";

    private readonly HashSet<string> _reducerTypeNames =
        module.Reducers.Select(r => CanonicalNames.ToPascalCase(r.AccessorName)).ToHashSet(StringComparer.Ordinal);

    private IEnumerable<TableModel> Tables => module.Tables.Where(t => t.IsPublic || options.IncludePrivate);

    private IEnumerable<FunctionModel> Reducers => module.Reducers.Where(r => r.IsInvokable || (options.IncludePrivate && r.Lifecycle is null));

    private IEnumerable<FunctionModel> Procedures => module.Procedures.Where(p => p.ClientCallable || options.IncludePrivate);

    public List<GeneratedFile> Generate()
    {
        var files = new List<GeneratedFile>();
        foreach (var table in Tables.Concat(module.Views))
            files.Add(TableFile(table));
        foreach (var reducer in Reducers)
            files.Add(ReducerFile(reducer));
        foreach (var procedure in Procedures)
            files.Add(ProcedureFile(procedure));
        files.Add(IndexFile());
        files.Add(ReducerTypesFile());
        files.Add(ProcedureTypesFile());
        files.Add(TypesFile());
        return files.OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
    }

    public static string TableFileStem(string accessor) => CanonicalNames.ToSnakeCase(accessor) + "_table";

    public static string ReducerFileStem(string accessor) => CanonicalNames.ToSnakeCase(accessor) + "_reducer";

    public static string ProcedureFileStem(string accessor) => CanonicalNames.ToSnakeCase(accessor) + "_procedure";

    private GeneratedFile TableFile(TableModel table)
    {
        var w = new CodeWriter(Indent);
        var fields = table.Columns.Select(c => (c.SourceName, c.Type)).ToList();
        w.Block("export default __t.row({", () => Fields(w, fields, table.PrimaryKey, table.Columns), "});");
        var refs = Refs(table.Columns.Select(c => c.Type));
        return File(TableFileStem(table.AccessorName) + ".ts", TypeBuilderImports(w.ToString(), refs, "./types"), w.ToString());
    }

    private GeneratedFile ReducerFile(FunctionModel reducer)
    {
        var w = new CodeWriter(Indent);
        ParamsObject(w, "export default", reducer.Params);
        var refs = Refs(reducer.Params.Elements.Select(e => e.Type));
        return File(ReducerFileStem(reducer.AccessorName) + ".ts", TypeBuilderImports(w.ToString(), refs, "./types"), w.ToString());
    }

    private GeneratedFile ProcedureFile(FunctionModel procedure)
    {
        var w = new CodeWriter(Indent);
        ParamsObject(w, "export const params =", procedure.Params);
        w.Line("export const returnType = " + Builder(procedure.ReturnType!) + ";");
        var refs = Refs(procedure.Params.Elements.Select(e => e.Type).Append(procedure.ReturnType!));
        return File(ProcedureFileStem(procedure.AccessorName) + ".ts", TypeBuilderImports(w.ToString(), refs, "./types"), w.ToString());
    }

    private void ParamsObject(CodeWriter w, string prefix, ProductType parameters)
    {
        if (parameters.Elements.Count == 0)
        {
            w.Line(prefix + " {};");
            return;
        }
        w.Block(prefix + " {", () => Fields(w, Elements(parameters), null, null), "};");
    }

    private GeneratedFile TypesFile()
    {
        var w = new CodeWriter(Indent);
        var first = true;
        foreach (var type in module.Types)
        {
            // A type named like a reducer would clash with that reducer's generated names.
            if (_reducerTypeNames.Contains(type.Name) || SpecialOf(type.Definition) is not null)
                continue;
            if (!first)
                w.Line();
            first = false;
            // TypeScript cannot infer the type of a constant whose initializer refers to itself, so a
            // type that refers to itself (directly or through others) states its TypeScript type.
            var recursive = IsRecursive(type);
            var annotation = recursive ? $": __TypeBuilder<{type.Name}, __AlgebraicTypeType>" : "";
            switch (type.Definition)
            {
                case ProductType p:
                    if (recursive)
                    {
                        var members = Elements(p).Select(e => $"{PropertyName(CanonicalNames.ToCamelCase(e.Name))}: {TsType(e.Type)};");
                        w.Line($"export type {type.Name} = {{ {string.Join(" ", members)} }};");
                    }
                    w.Block($"export const {type.Name}{annotation} = __t.object({Quote(type.Name)}, {{", () => Fields(w, Elements(p), null, null), "});");
                    break;
                case SumType s:
                    w.Line(s.IsSimpleEnum && s.Variants.Count > 0
                        ? $"// The plain enum `{type.Name}`: one of its variants, each without a payload."
                        : $"// The sum type `{type.Name}`: one of its variants, each with its payload.");
                    var variants = s.Variants.Select((v, i) => (CanonicalNames.ToPascalCase(v.Name ?? $"variant{i}"), v.Type)).ToList();
                    if (recursive)
                    {
                        var union = variants.Select(v => v.Type is ProductType { Elements.Count: 0 }
                            ? $"{{ tag: {Quote(v.Item1)} }}"
                            : $"{{ tag: {Quote(v.Item1)}; value: {TsType(v.Type)} }}");
                        w.Line($"export type {type.Name} = {string.Join(" | ", union)};");
                    }
                    w.Block(
                        $"export const {type.Name}{annotation} = __t.enum({Quote(type.Name)}, {{",
                        () => Fields(w, variants, null, null, convertCase: false),
                        "});");
                    break;
                default:
                    throw new CodegenException($"The named type '{type.SourceName}' is {type.Definition}; a named type is a product or a sum.");
            }
            if (!recursive)
                w.Line($"export type {type.Name} = __Infer<typeof {type.Name}>;");
        }
        var body = w.ToString();
        return body.Length == 0
            ? File("types.ts", "", "export {};\n")
            : File("types.ts", TypeBuilderImports(body, [], null), body);
    }

    /// <summary>Whether <paramref name="type"/> can reach itself through the named types its fields use.</summary>
    private bool IsRecursive(NamedType type)
    {
        var seen = new HashSet<uint>();
        var pending = new Stack<AlgebraicType>([type.Definition]);
        while (pending.TryPop(out var next))
        {
            switch (next)
            {
                case RefType r:
                    if (r.Index == type.Ref)
                        return true;
                    if (seen.Add(r.Index))
                        pending.Push(module.TypeOf(r.Index).Definition);
                    break;
                case ArrayType a:
                    pending.Push(a.ElementType);
                    break;
                case ProductType p:
                    foreach (var e in p.Elements)
                        pending.Push(e.Type);
                    break;
                case SumType s:
                    foreach (var v in s.Variants)
                        pending.Push(v.Type);
                    break;
            }
        }
        return false;
    }

    /// <summary>The TypeScript type of a value of <paramref name="type"/>, naming named types by their type aliases.</summary>
    private string TsType(AlgebraicType type)
    {
        // The SDK's own builders name the special types: their `type` property has the value's type.
        string Of(string builder) => $"ReturnType<typeof __t.{builder}>['type']";
        switch (type.SpecialKind)
        {
            case SpecialTypeKind.Identity: return Of("identity");
            case SpecialTypeKind.ConnectionId: return Of("connectionId");
            case SpecialTypeKind.Timestamp: return Of("timestamp");
            case SpecialTypeKind.TimeDuration: return Of("timeDuration");
            case SpecialTypeKind.Uuid: return Of("uuid");
            case SpecialTypeKind.ScheduleAt: return Of("scheduleAt");
            case SpecialTypeKind.Option: return $"{TsType(((SumType)type).Variants[0].Type)} | undefined";
            default: break;
        }
        return type switch
        {
            RefType r when SpecialOf(module.TypeOf(r.Index).Definition) is null => module.TypeOf(r.Index).Name,
            RefType r => TsType(module.TypeOf(r.Index).Definition),
            ArrayType { ElementType.Tag: AlgebraicTypeTag.U8 } => Of("byteArray"),
            ArrayType a => $"Array<{TsType(a.ElementType)}>",
            ProductType { Elements.Count: 0 } => Of("unit"),
            PrimitiveType { Tag: AlgebraicTypeTag.Bool } => "boolean",
            PrimitiveType { Tag: AlgebraicTypeTag.String } => "string",
            PrimitiveType p => p.FixedSize > 4 && p.Tag is not AlgebraicTypeTag.F64 ? "bigint" : "number",
            _ => throw new CodegenException($"The type {type} in a recursive type cannot be written in TypeScript; wrap it in a named type."),
        };
    }

    private static string PropertyName(string key) => IsIdentifier(key) ? key : Quote(key);

    private GeneratedFile ReducerTypesFile()
    {
        var reducers = Reducers.ToList();
        if (reducers.Count == 0)
            return File("types/reducers.ts", "", "export {};\n");
        var w = new CodeWriter(Indent);
        w.Line("import { type Infer as __Infer } from 'spacetimedb';");
        w.Line();
        foreach (var r in reducers)
            w.Line($"import {ReducerSymbol(r)} from '../{ReducerFileStem(r.AccessorName)}';");
        w.Line();
        foreach (var r in reducers)
            w.Line($"export type {CanonicalNames.ToPascalCase(r.AccessorName)}Params = __Infer<typeof {ReducerSymbol(r)}>;");
        return File("types/reducers.ts", "", w.ToString());
    }

    private GeneratedFile ProcedureTypesFile()
    {
        var procedures = Procedures.ToList();
        if (procedures.Count == 0)
            return File("types/procedures.ts", "", "export {};\n");
        var w = new CodeWriter(Indent);
        w.Line("import { type Infer as __Infer } from 'spacetimedb';");
        w.Line();
        foreach (var p in procedures)
            w.Line($"import * as {ProcedureSymbol(p)} from '../{ProcedureFileStem(p.AccessorName)}';");
        w.Line();
        foreach (var p in procedures)
        {
            var name = CanonicalNames.ToPascalCase(p.AccessorName);
            w.Line($"export type {name}Args = __Infer<typeof {ProcedureSymbol(p)}.params>;");
            w.Line($"export type {name}Result = __Infer<typeof {ProcedureSymbol(p)}.returnType>;");
        }
        return File("types/procedures.ts", "", w.ToString());
    }

    private static string ReducerSymbol(FunctionModel r) => CanonicalNames.ToPascalCase(r.AccessorName) + "Reducer";

    private static string ProcedureSymbol(FunctionModel p) => CanonicalNames.ToPascalCase(p.AccessorName) + "Procedure";

    private static string RowSymbol(TableModel t) => CanonicalNames.ToPascalCase(t.AccessorName) + "Row";

    private GeneratedFile IndexFile()
    {
        var tables = Tables.ToList();
        var views = module.Views;
        var reducers = Reducers.ToList();
        var procedures = Procedures.ToList();
        var w = new CodeWriter(Indent);

        w.Line("// Reducer parameters");
        foreach (var r in reducers)
            w.Line($"import {ReducerSymbol(r)} from './{ReducerFileStem(r.AccessorName)}';");
        w.Line();
        w.Line("// Procedure parameters and return types");
        foreach (var p in procedures)
            w.Line($"import * as {ProcedureSymbol(p)} from './{ProcedureFileStem(p.AccessorName)}';");
        w.Line();
        w.Line("// Table and view rows");
        foreach (var t in tables.Concat(views).OrderBy(t => t.AccessorName, StringComparer.Ordinal))
            w.Line($"import {RowSymbol(t)} from './{TableFileStem(t.AccessorName)}';");
        w.Line();

        w.Line("/** The module's tables and views, declared as the module declares them: the client cache and the query builders use this. */");
        w.Block("const tablesSchema = __schema({", () =>
        {
            foreach (var t in tables)
                TableEntry(w, t);
            foreach (var v in views)
                TableEntry(w, v);
        }, "});");
        w.Line();

        w.Line("/** The reducers clients may call, by their names on the wire (bodies run on the server). */");
        if (reducers.Count == 0)
        {
            w.Line("const reducersSchema = __reducers();");
        }
        else
        {
            w.Block("const reducersSchema = __reducers(", () =>
            {
                for (var i = 0; i < reducers.Count; i++)
                    w.Line($"__reducerSchema({Quote(reducers[i].Name)}, {ReducerSymbol(reducers[i])}){(i + 1 < reducers.Count ? "," : "")}");
            }, ");");
        }
        w.Line();

        w.Line("/** The procedures clients may call, by their names on the wire. */");
        if (procedures.Count == 0)
        {
            w.Line("const proceduresSchema = __procedures();");
        }
        else
        {
            w.Block("const proceduresSchema = __procedures(", () =>
            {
                for (var i = 0; i < procedures.Count; i++)
                {
                    var symbol = ProcedureSymbol(procedures[i]);
                    w.Line($"__procedureSchema({Quote(procedures[i].Name)}, {symbol}.params, {symbol}.returnType){(i + 1 < procedures.Count ? "," : "")}");
                }
            }, ");");
        }
        w.Line();

        w.Line("/** The module as the SDK sees it: its tables, reducers and procedures, at run time and in the types. */");
        w.Block("const REMOTE_MODULE = {", () =>
        {
            w.Block("versionInfo: {", () => w.Line($"cliVersion: {Quote(SdkVersion)} as const,"), "},");
            w.Line("tables: tablesSchema.schemaType.tables,");
            w.Line("reducers: reducersSchema.reducersType.reducers,");
            w.Line("...proceduresSchema,");
        }, "} satisfies __RemoteModule<");
        w.Indent();
        w.Line("typeof tablesSchema.schemaType,");
        w.Line("typeof reducersSchema.reducersType,");
        w.Line("typeof proceduresSchema");
        w.Dedent();
        w.Line(">;");
        w.Line();

        w.Line("/** Every table and view as a query builder, e.g. `tables.user.where(u => u.online.eq(true))`. */");
        w.Line("export const tables: __QueryBuilder<typeof tablesSchema.schemaType> =");
        w.Indent().Line("__makeQueryBuilder(tablesSchema.schemaType);").Dedent();
        w.Line();
        w.Line("/** The reducers by accessor name (camelCase). */");
        w.Line("export const reducers = __convertToAccessorMap(reducersSchema.reducersType.reducers);");
        w.Line();
        w.Line("/** The procedures by accessor name (camelCase). */");
        w.Line("export const procedures = __convertToAccessorMap(proceduresSchema.procedures);");
        w.Line();

        w.Line("/** The context of every callback. */");
        w.Line("export type EventContext = __EventContextInterface<typeof REMOTE_MODULE>;");
        w.Line("/** The context of a reducer callback. */");
        w.Line("export type ReducerEventContext = __ReducerEventContextInterface<typeof REMOTE_MODULE>;");
        w.Line("/** The context of a subscription callback. */");
        w.Line("export type SubscriptionEventContext = __SubscriptionEventContextInterface<typeof REMOTE_MODULE>;");
        w.Line("/** The context of an error callback. */");
        w.Line("export type ErrorContext = __ErrorContextInterface<typeof REMOTE_MODULE>;");
        w.Line("/** A subscription made with a {@link SubscriptionBuilder}. */");
        w.Line("export type SubscriptionHandle = __SubscriptionHandleImpl<typeof REMOTE_MODULE>;");
        w.Line();
        w.Line("/** Configures a subscription of this connection. */");
        w.Line("export class SubscriptionBuilder extends __SubscriptionBuilderImpl<typeof REMOTE_MODULE> {}");
        w.Line();
        w.Line("/** Configures a connection to a database running this module. */");
        w.Line("export class DbConnectionBuilder extends __DbConnectionBuilder<DbConnection> {}");
        w.Line();
        w.Line("/** A connection to a database running this module, typed by its tables, reducers and procedures. */");
        w.Block("export class DbConnection extends __DbConnectionImpl<typeof REMOTE_MODULE> {", () =>
        {
            w.Line("/** Starts configuring a connection: `DbConnection.builder().withUri(...).withDatabaseName(...).build()`. */");
            w.Block("static builder = (): DbConnectionBuilder => {", () =>
            {
                w.Line("return new DbConnectionBuilder(");
                w.Indent();
                w.Line("REMOTE_MODULE,");
                w.Line("(config: __DbConnectionConfig<typeof REMOTE_MODULE>) => new DbConnection(config)");
                w.Dedent();
                w.Line(");");
            }, "};");
            w.Line();
            w.Line("/** Starts configuring a subscription of this connection. */");
            w.Block("override subscriptionBuilder = (): SubscriptionBuilder => {", () => w.Line("return new SubscriptionBuilder(this);"), "};");
        }, "}");

        var body = w.ToString();
        string[] candidates =
        [
            "DbConnectionBuilder", "DbConnectionImpl", "SubscriptionBuilderImpl", "convertToAccessorMap", "makeQueryBuilder",
            "procedureSchema", "procedures", "reducerSchema", "reducers", "schema", "table",
        ];
        string[] typeCandidates =
        [
            "DbConnectionConfig", "ErrorContextInterface", "EventContextInterface", "QueryBuilder", "ReducerEventContextInterface",
            "RemoteModule", "SubscriptionEventContextInterface", "SubscriptionHandleImpl",
        ];
        var imports = candidates.Where(c => Uses(body, "__" + c)).Select(c => $"{c} as __{c}")
            .Concat(typeCandidates.Where(c => Uses(body, "__" + c)).Select(c => $"type {c} as __{c}"))
            .ToList();
        return File("index.ts", ImportList(imports, "spacetimedb") + "\n", body, versionLine: true);
    }

    private static void TableEntry(CodeWriter w, TableModel t)
    {
        w.Block($"{CanonicalNames.ToCamelCase(t.AccessorName)}: __table(", () =>
        {
            w.Block("{", () =>
            {
                w.Line($"name: {Quote(t.Name)},");
                var indexes = t.Indexes.Where(i => i.AccessorName is not null).ToList();
                if (indexes.Count == 0)
                {
                    w.Line("indexes: [],");
                }
                else
                {
                    w.Block("indexes: [", () =>
                    {
                        // The client keeps every index as a btree, whatever the server uses.
                        foreach (var i in indexes)
                        {
                            var columns = string.Join(", ", i.Columns.Select(c => Quote(CanonicalNames.ToCamelCase(t.Columns[c].SourceName))));
                            w.Line($"{{ accessor: {Quote(i.AccessorName!)}, name: {Quote(i.Name)}, algorithm: 'btree', columns: [{columns}] }},");
                        }
                    }, "],");
                }
                if (t.Constraints.Count == 0)
                {
                    w.Line("constraints: [],");
                }
                else
                {
                    w.Block("constraints: [", () =>
                    {
                        foreach (var c in t.Constraints)
                        {
                            var columns = string.Join(", ", c.Columns.Select(col => Quote(CanonicalNames.ToCamelCase(t.Columns[col].SourceName))));
                            w.Line($"{{ name: {Quote(c.Name)}, constraint: 'unique', columns: [{columns}] }},");
                        }
                    }, "],");
                }
                if (t.IsEvent)
                    w.Line("event: true,");
            }, "},");
            w.Line(RowSymbol(t));
        }, "),");
    }

    /// <summary>
    /// Object fields <c>name: builder,</c>; a field whose type names another type is a getter, so
    /// types may refer to each other (and themselves) in any order.
    /// </summary>
    private void Fields(
        CodeWriter w, IReadOnlyList<(string Name, AlgebraicType Type)> fields, int? primaryKey, IReadOnlyList<ColumnModel>? columns, bool convertCase = true)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            var (name, type) = fields[i];
            var key = convertCase ? CanonicalNames.ToCamelCase(name) : name;
            var builder = Builder(type);
            if (primaryKey == i)
                builder += ".primaryKey()";
            if (columns is not null && columns[i].Name != key)
                builder += $".name({Quote(columns[i].Name)})";
            var property = IsIdentifier(key) ? key : Quote(key);
            if (ContainsRef(type))
            {
                w.Block($"get {property}() {{", () => w.Line($"return {builder};"), "},");
            }
            else
            {
                w.Line($"{property}: {builder},");
            }
        }
    }

    private static List<(string Name, AlgebraicType Type)> Elements(ProductType p) =>
        p.Elements.Select((e, i) => (e.Name ?? $"field{i}", e.Type)).ToList();

    /// <summary>The SDK's type builder for <paramref name="type"/>, e.g. <c>__t.option(__t.string())</c>.</summary>
    internal string Builder(AlgebraicType type)
    {
        if (type is RefType r)
        {
            var named = module.TypeOf(r.Index);
            return SpecialOf(named.Definition) is not null ? Builder(named.Definition) : named.Name;
        }
        switch (type.SpecialKind)
        {
            case SpecialTypeKind.Identity: return "__t.identity()";
            case SpecialTypeKind.ConnectionId: return "__t.connectionId()";
            case SpecialTypeKind.Timestamp: return "__t.timestamp()";
            case SpecialTypeKind.TimeDuration: return "__t.timeDuration()";
            case SpecialTypeKind.Uuid: return "__t.uuid()";
            case SpecialTypeKind.ScheduleAt: return "__t.scheduleAt()";
            case SpecialTypeKind.Option: return $"__t.option({Builder(((SumType)type).Variants[0].Type)})";
            case SpecialTypeKind.Result:
                var result = (SumType)type;
                return $"__t.result({Builder(result.Variants[0].Type)}, {Builder(result.Variants[1].Type)})";
            default:
                break;
        }
        return type switch
        {
            ProductType { Elements.Count: 0 } => "__t.unit()",
            ArrayType { ElementType.Tag: AlgebraicTypeTag.U8 } => "__t.byteArray()",
            ArrayType a => $"__t.array({Builder(a.ElementType)})",
            PrimitiveType p => "__t." + p.Tag.ToString().ToLowerInvariant() + "()",
            ProductType => throw new CodegenException(
                $"The anonymous product type {type} cannot be generated: declare it as a named type ([SpacetimeDB.Type])."),
            SumType => throw new CodegenException($"The anonymous sum type {type} cannot be generated: declare it as a named type ([SpacetimeDB.Type])."),
            _ => throw new CodegenException($"The type {type} cannot be generated."),
        };
    }

    /// <summary>The special kind of a named type's definition (the module may name its Identity, ScheduleAt, ...), or null.</summary>
    private static SpecialTypeKind? SpecialOf(AlgebraicType definition) =>
        definition.SpecialKind is SpecialTypeKind.None or SpecialTypeKind.Result ? null : definition.SpecialKind;

    private bool ContainsRef(AlgebraicType type) => type switch
    {
        RefType r => SpecialOf(module.TypeOf(r.Index).Definition) is null,
        ArrayType a => ContainsRef(a.ElementType),
        SumType s when s.SpecialKind is SpecialTypeKind.Option or SpecialTypeKind.Result => s.Variants.Any(v => ContainsRef(v.Type)),
        _ => false,
    };

    /// <summary>The names of the named types <paramref name="types"/> use, for <c>import { ... } from './types'</c>.</summary>
    private SortedSet<string> Refs(IEnumerable<AlgebraicType> types)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        void Visit(AlgebraicType t)
        {
            switch (t)
            {
                case RefType r:
                    var named = module.TypeOf(r.Index);
                    if (SpecialOf(named.Definition) is null)
                        names.Add(named.Name);
                    break;
                case ArrayType a:
                    Visit(a.ElementType);
                    break;
                case SumType s when s.SpecialKind is SpecialTypeKind.Option or SpecialTypeKind.Result:
                    foreach (var v in s.Variants)
                        Visit(v.Type);
                    break;
            }
        }
        foreach (var t in types)
            Visit(t);
        return names;
    }

    private static string TypeBuilderImports(string body, IEnumerable<string> refs, string? typesModule)
    {
        var imports = new List<string>();
        if (Uses(body, "__t"))
            imports.Add("t as __t");
        if (Uses(body, "__TypeBuilder"))
            imports.Add("type TypeBuilder as __TypeBuilder");
        if (Uses(body, "__Infer"))
            imports.Add("type Infer as __Infer");
        if (Uses(body, "__AlgebraicTypeType"))
            imports.Add("type AlgebraicTypeType as __AlgebraicTypeType");
        var text = new StringBuilder();
        if (imports.Count > 0)
            text.Append(ImportList(imports, "spacetimedb"));
        var refList = refs.ToList();
        if (refList.Count > 0 && typesModule is not null)
            text.Append(ImportList(refList, typesModule));
        if (text.Length > 0)
            text.Append('\n');
        return text.ToString();
    }

    private static string ImportList(IReadOnlyList<string> names, string from)
    {
        var single = $"import {{ {string.Join(", ", names)} }} from '{from}';";
        if (single.Length <= 100)
            return single + "\n";
        return "import {\n" + string.Concat(names.Select(n => Indent + n + ",\n")) + $"}} from '{from}';\n";
    }

    private static bool Uses(string body, string identifier) =>
        Regex.IsMatch(body, $@"(?<![\w$]){Regex.Escape(identifier)}(?![\w$])", RegexOptions.CultureInvariant);

    private GeneratedFile File(string path, string imports, string body, bool versionLine = false)
    {
        var text = new StringBuilder();
        text.Append("// THIS FILE IS GENERATED BY MERIDIAN. Do not edit it: `meridian generate` writes it again\n");
        text.Append("// from the module's definition. Change the module instead.\n");
        if (versionLine)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"//\n// Generated by meridian {options.ToolVersion} for the SpacetimeDB TypeScript SDK (npm 'spacetimedb' {SdkVersion}).\n");
        }
        text.Append('\n');
        text.Append("/* eslint-disable */\n");
        text.Append("/* tslint:disable */\n");
        text.Append(imports);
        text.Append(body);
        return new GeneratedFile(path, text.ToString());
    }

    private static string Quote(string s)
    {
        var text = new StringBuilder("'");
        foreach (var c in s)
        {
            text.Append(c switch
            {
                '\'' => "\\'",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                _ when c < ' ' => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                _ => c.ToString(),
            });
        }
        return text.Append('\'').ToString();
    }

    private static bool IsIdentifier(string s) => IdentifierPattern().IsMatch(s);

    [GeneratedRegex(@"^[A-Za-z_$][A-Za-z0-9_$]*$", RegexOptions.CultureInvariant)]
    private static partial Regex IdentifierPattern();
}
