using Meridian.Sats.ModuleDef;
using Meridian.Sats.Types;
using static Meridian.Sats.ModuleDef.RawModuleDefV10Section;

namespace Meridian.Codegen.Tests;

/// <summary>
/// A module definition built by hand with what the C# test modules cannot declare yet: views,
/// procedures, event tables, hash and direct indexes, explicit names, results, private
/// procedures, a named type that is itself special, and a recursive type.
/// </summary>
internal static class FeatureModule
{
    public static RawModuleDefV10 Definition(bool shuffled = false)
    {
        var point = AlgebraicType.Product(("X", AlgebraicType.F32), ("Y", AlgebraicType.F32));
        var status = AlgebraicType.Sum(("Active", AlgebraicType.Unit), ("Banned", AlgebraicType.Unit));
        var player = AlgebraicType.Product(
            ("Id", AlgebraicType.U64),
            ("Name", AlgebraicType.String),
            ("Pos", AlgebraicType.Ref(1)),
            ("Status", AlgebraicType.Ref(2)),
            ("Level", AlgebraicType.U8),
            ("Tags", AlgebraicType.Array(AlgebraicType.String)));
        var explosion = AlgebraicType.Product(("At", AlgebraicType.Ref(1)), ("Radius", AlgebraicType.F64));
        var tree = AlgebraicType.Product(("Label", AlgebraicType.String), ("Children", AlgebraicType.Array(AlgebraicType.Ref(4))));
        var hidden = AlgebraicType.Product(("Secret", AlgebraicType.String));
        var expr = AlgebraicType.Sum(("Lit", AlgebraicType.I32), ("Add", AlgebraicType.Ref(8)), ("Neg", AlgebraicType.Ref(7)), ("Zero", AlgebraicType.Unit));
        var pair = AlgebraicType.Product(
            ("Left", AlgebraicType.Ref(7)), ("Right", AlgebraicType.Option(AlgebraicType.Ref(7))), ("Label", AlgebraicType.String));
        var typespace = new Typespace([player, point, status, explosion, tree, hidden, AlgebraicType.Identity, expr, pair]);

        RawTypeDefV10 Named(string name, uint index, params string[] scope) => new(new RawScopedTypeNameV10(scope, name), index, true);
        var types = new List<RawTypeDefV10>
        {
            Named("Player", 0), Named("Point", 1, "Geometry"), Named("Status", 2), Named("Explosion", 3), Named("Tree", 4), Named("Hidden", 5),
            Named("MyIdentity", 6), Named("Expr", 7), Named("Pair", 8),
        };

        RawTableDefV10 Table(string name, uint type, ushort[] pk, RawIndexDefV10[] indexes, RawConstraintDefV10[] constraints, TableAccess access, bool isEvent,
            RawSequenceDefV10[]? sequences = null) =>
            new(name, type, pk, indexes, constraints, sequences ?? [], TableType.User, access, [], isEvent);
        var tables = new List<RawTableDefV10>
        {
            Table(
                "Player",
                0,
                [0],
                [
                    new RawIndexDefV10("Player_Id_idx_btree", "Id", RawIndexAlgorithm.BTree(0)),
                    new RawIndexDefV10("Player_Name_idx_hash", "Name", new RawIndexAlgorithm(RawIndexAlgorithmKind.Hash, [1])),
                    new RawIndexDefV10("Player_Level_idx_direct", "ByLevel", new RawIndexAlgorithm(RawIndexAlgorithmKind.Direct, [4])),
                    new RawIndexDefV10("by_status_level", "ByStatusAndLevel", RawIndexAlgorithm.BTree(3, 4)),
                    new RawIndexDefV10(null, null, RawIndexAlgorithm.BTree(5)),
                ],
                [new RawConstraintDefV10(null, [0]), new RawConstraintDefV10(null, [1])],
                TableAccess.Public,
                false,
                [new RawSequenceDefV10(null, 0, null, null, null, 1)]),
            Table("Explosion", 3, [], [], [], TableAccess.Public, true),
            Table("Tree", 4, [], [], [], TableAccess.Public, false),
            Table("Hidden", 5, [], [], [], TableAccess.Private, false),
        };
        var reducers = new List<RawReducerDefV10>
        {
            new("CreatePlayer", AlgebraicType.Product(("Name", AlgebraicType.String), ("Pos", AlgebraicType.Option(AlgebraicType.Ref(1)))),
                FunctionVisibility.ClientCallable, AlgebraicType.Unit, AlgebraicType.String),
            new("Explode", AlgebraicType.Product(("At", AlgebraicType.Ref(1))), FunctionVisibility.ClientCallable, AlgebraicType.Unit, AlgebraicType.String),
            new("Evaluate", AlgebraicType.Product(("Expression", AlgebraicType.Ref(7))), FunctionVisibility.ClientCallable,
                AlgebraicType.Unit, AlgebraicType.String),
            new("Tidy", AlgebraicType.Product(), FunctionVisibility.Private, AlgebraicType.Unit, AlgebraicType.String),
            new("Init", AlgebraicType.Product(), FunctionVisibility.Private, AlgebraicType.Unit, AlgebraicType.String),
            new("OnConnect", AlgebraicType.Product(), FunctionVisibility.ClientCallable, AlgebraicType.Unit, AlgebraicType.String),
        };
        var procedures = new List<RawProcedureDefV10>
        {
            new("Score", AlgebraicType.Product(("PlayerId", AlgebraicType.U64)),
                AlgebraicType.Result(AlgebraicType.U32, AlgebraicType.String), FunctionVisibility.ClientCallable),
            new("WhoAmI", AlgebraicType.Product(), AlgebraicType.Ref(6), FunctionVisibility.ClientCallable),
            new("Internal", AlgebraicType.Product(), AlgebraicType.Unit, FunctionVisibility.Private),
        };
        var views = new List<RawViewDefV10>
        {
            new("TopPlayers", 0, true, true, AlgebraicType.Product(), AlgebraicType.Array(AlgebraicType.Ref(0))),
            new("MyPlayer", 1, true, false, AlgebraicType.Product(), AlgebraicType.Option(AlgebraicType.Ref(0))),
        };
        if (shuffled)
        {
            types.Reverse();
            tables.Reverse();
            reducers.Reverse();
            procedures.Reverse();
            views.Reverse();
        }

        RawModuleDefV10Section[] sections =
        [
            new TypespaceSection(typespace),
            new TypesSection(types),
            new TablesSection(tables),
            new ReducersSection(reducers),
            new ProceduresSection(procedures),
            new ViewsSection(views),
            new LifeCycleReducersSection(
                [new RawLifeCycleReducerDefV10(Lifecycle.Init, "Init"), new RawLifeCycleReducerDefV10(Lifecycle.OnConnect, "OnConnect")]),
            new ViewPrimaryKeysSection([new RawViewPrimaryKeyDefV10("MyPlayer", ["Id"])]),
            new CaseConversionPolicySection(CaseConversionPolicy.SnakeCase),
            new ExplicitNamesSection(
            [
                new ExplicitNameEntry(ExplicitNameKind.Table, "Player", "players"),
                new ExplicitNameEntry(ExplicitNameKind.Index, "by_status_level", "players_by_status_level"),
                new ExplicitNameEntry(ExplicitNameKind.Function, "WhoAmI", "who_am_i"),
            ]),
        ];
        return new RawModuleDefV10(shuffled ? sections.Reverse().ToArray() : sections);
    }
}
