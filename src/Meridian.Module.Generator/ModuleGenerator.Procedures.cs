using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Meridian.Module.Generator;

/// <summary>A <c>[Procedure]</c> method; <see cref="ReturnType"/> is null for <c>void</c>.</summary>
internal sealed record ProcedureModel(
    string MethodName,
    string ContainingType,
    string? ExplicitName,
    EquatableArray<ParamModel> Params,
    TypeUse? ReturnType,
    LocationInfo? Location,
    EquatableArray<DiagnosticInfo> Diagnostics);

internal static partial class Diagnostics
{
    public static readonly DiagnosticDescriptor ProcedureContextParam = Error(
        "STDB0009",
        "Procedures must have a first argument of type ProcedureContext",
        "Procedure method {0} does not have a ProcedureContext parameter",
        "SpacetimeDB");

    public static readonly DiagnosticDescriptor ProcedureReservedPrefix = Error(
        "STDB0011",
        "Procedure method has a reserved name prefix",
        "Procedure method {0} starts with '{1}', which is a reserved prefix",
        "SpacetimeDB");
}

// Procedures: [Procedure] static methods taking a ProcedureContext, run outside the writer.
public sealed partial class ModuleGenerator
{
    /// <summary>Tracking name of the procedure step.</summary>
    public const string ProceduresStep = "Procedures";

    private static IncrementalValuesProvider<ProcedureModel> Procedures(IncrementalGeneratorInitializationContext context) =>
        context.SyntaxProvider.ForAttributeWithMetadataName(
                "SpacetimeDB.ProcedureAttribute",
                static (node, _) => node is MethodDeclarationSyntax,
                static (ctx, _) => ParseProcedure((IMethodSymbol)ctx.TargetSymbol, ctx.Attributes[0]))
            .WithTrackingName(ProceduresStep);

    private static ProcedureModel ParseProcedure(IMethodSymbol method, AttributeData attribute)
    {
        var location = method.Locations.FirstOrDefault();
        var diagnostics = new List<DiagnosticInfo>();
        if (method.Parameters.Length == 0 || method.Parameters[0].Type.Name != "ProcedureContext")
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.ProcedureContextParam, location, method.Name));
        Parser.CheckCallable(method, "Procedure", location, diagnostics);
        foreach (var prefix in new[] { "__", "on", "On" })
        {
            if (method.Name.StartsWith(prefix, StringComparison.Ordinal))
            {
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.ProcedureReservedPrefix, location, method.Name, prefix));
                break;
            }
        }
        var parameters = new List<ParamModel>();
        foreach (var p in method.Parameters.Skip(1))
        {
            var type = Parser.MapType(p.Type, out var error);
            if (type is null)
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.UnsupportedType, p.Locations.FirstOrDefault(), p.Type.ToDisplayString(), error!));
            else
                parameters.Add(new ParamModel(p.Name, type));
        }
        TypeUse? returnType = null;
        if (!method.ReturnsVoid)
        {
            returnType = Parser.MapType(method.ReturnType, out var error);
            if (returnType is null)
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.UnsupportedType, location, method.ReturnType.ToDisplayString(), error!));
        }
        var name = attribute.NamedArguments.FirstOrDefault(a => a.Key == "Name").Value.Value as string;
        return new ProcedureModel(
            method.Name,
            method.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            name,
            parameters.ToEquatableArray(),
            returnType,
            LocationInfo.From(location),
            diagnostics.ToEquatableArray());
    }

    /// <summary>Reports the procedures' diagnostics and duplicate names; rejects the invalid ones.</summary>
    private static void ReportProcedures(
        SourceProductionContext spc, ModuleModel module, EquatableArray<ReducerModel> validReducers, Rejected rejected)
    {
        foreach (var p in module.Procedures)
        {
            foreach (var d in p.Diagnostics)
                spc.ReportDiagnostic(d.ToDiagnostic());
            if (p.Diagnostics.Count > 0)
                rejected.Add(p);
        }
        var reducers = new HashSet<string>(validReducers.Select(r => r.MethodName), StringComparer.Ordinal);
        foreach (var group in module.Procedures.Where(p => !rejected.Contains(p)).GroupBy(p => p.MethodName))
        {
            foreach (var p in group.Skip(reducers.Contains(group.Key) ? 0 : 1))
            {
                spc.ReportDiagnostic(Diagnostic.Create(Diagnostics.DuplicateExport, p.Location?.ToLocation(), "Procedure", group.Key));
                rejected.Add(p);
            }
        }
    }
}

internal static partial class Emitter
{
    private static readonly string ProcedureContextSource = OutsideTxContextSource(
        "ProcedureContext", "What a procedure receives: the caller, the time, HTTP, and transactions on demand",
        "ProcedureTxContext", "The <c>tx</c> of a procedure's transaction body", "ProcedureContextBase", "ProcedureTxContextBase", exposesDb: true);

    // A context that runs outside any transaction (a procedure's or an HTTP handler's) and its transaction body's
    // context: the same shape, differing in names, bases and whether the outer context shows the tables.
    private static string OutsideTxContextSource(
        string context, string contextSummary, string txContext, string txSummary, string contextBase, string txBase, bool exposesDb)
    {
        var db = exposesDb
            ? "\n        /// <summary>The tables; usable only inside <c>WithTx</c> (elsewhere a table call throws NotInTransactionException).</summary>\n"
                + "        public Local Db => _db;\n\n"
            : "\n";
        return $$"""
            /// <summary>{{contextSummary}} (generated).</summary>
            public sealed partial class {{context}} : global::SpacetimeDB.{{contextBase}}
            {
                private readonly Local _db = new();
                private {{txContext}}? _tx;

                internal {{context}}(global::SpacetimeDB.Internal.ProcedureCallInfo call)
                    : base(call)
                {
                }
        {{db}}        /// <inheritdoc />
                protected override global::SpacetimeDB.ProcedureTxContextBase CreateTxContext() => _tx ??= new {{txContext}}(this, _db);

                /// <summary>Runs <paramref name="body"/> in one transaction and commits it; a throwing body rolls back.</summary>
                public TResult WithTx<TResult>(global::System.Func<{{txContext}}, TResult> body) =>
                    base.WithTx(tx => body(({{txContext}})tx));

                /// <summary>Runs <paramref name="body"/> in one transaction: commits on Ok, rolls back on Err.</summary>
                public TxOutcome<TResult> TryWithTx<TResult, TError>(
                    global::System.Func<{{txContext}}, global::SpacetimeDB.Result<TResult, TError>> body)
                    where TError : global::System.Exception => base.TryWithTx(tx => body(({{txContext}})tx));
            }

            /// <summary>{{txSummary}}: the tables, read-write (generated).</summary>
            public sealed class {{txContext}} : global::SpacetimeDB.{{txBase}}
            {
                internal {{txContext}}(global::SpacetimeDB.{{contextBase}} outer, Local db)
                    : base(outer) => Db = db;

                /// <summary>The tables.</summary>
                public Local Db { get; }
            }


        """;
    }

    private static void ProcedureRegistrations(StringBuilder sb, ModuleModel module)
    {
        foreach (var p in module.Procedures.Where(p => p.ExplicitName is not null).OrderBy(p => p.MethodName, StringComparer.Ordinal))
            sb.Append($"            builder.RegisterExplicitFunctionName({Lit(p.MethodName)}, {Lit(p.ExplicitName!)});\n");
        foreach (var p in module.Procedures.OrderBy(p => p.MethodName, StringComparer.Ordinal))
        {
            var ps = string.Join(", ", p.Params.Select(x => $"({Lit(x.Name)}, default({x.Type.Serializer}).GetAlgebraicType(registrar))"));
            var ret = p.ReturnType is null
                ? "global::Meridian.Sats.Types.AlgebraicType.Unit"
                : $"default({p.ReturnType.Serializer}).GetAlgebraicType(registrar)";
            sb.Append($"            builder.RegisterProcedure({Lit(p.MethodName)}, registrar => new (string, {AlgebraicType})[] {{ {ps} }}, "
                + $"registrar => {ret}, InvokeProcedure_{p.MethodName});\n");
        }
    }

    private static void ProcedureInvokers(StringBuilder sb, ModuleModel module)
    {
        foreach (var p in module.Procedures.OrderBy(p => p.MethodName, StringComparer.Ordinal))
        {
            sb.Append($"\n        private static byte[] InvokeProcedure_{p.MethodName}(");
            sb.Append($"global::SpacetimeDB.Internal.ProcedureCallInfo call, ref {Reader} args)\n");
            sb.Append("        {\n");
            foreach (var x in p.Params)
                sb.Append($"            var {Id(x.Name)} = default({x.Type.Serializer}).Read(ref args);\n");
            sb.Append("            global::SpacetimeDB.Internal.ReducerArgs.EnsureConsumed(ref args);\n");
            var args = string.Concat(p.Params.Select(x => ", " + Id(x.Name)));
            var invoke = $"{p.ContainingType}.{Id(p.MethodName)}(new global::SpacetimeDB.ProcedureContext(call){args})";
            if (p.ReturnType is null)
            {
                sb.Append($"            {invoke};\n            return global::System.Array.Empty<byte>();\n        }}\n");
                continue;
            }
            sb.Append($"            var result = {invoke};\n");
            sb.Append($"            var writer = new {Writer}(64);\n");
            sb.Append($"            default({p.ReturnType.Serializer}).Write(writer, result);\n");
            sb.Append("            return writer.ToArray();\n        }\n");
        }
    }
}
