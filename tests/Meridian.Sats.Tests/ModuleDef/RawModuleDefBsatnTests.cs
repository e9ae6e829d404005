using System.Text;
using Meridian.Sats.Bsatn;
using Meridian.Sats.ModuleDef;
using Meridian.Sats.Types;

namespace Meridian.Sats.Tests.ModuleDef;

public class RawModuleDefBsatnTests
{
    private static RawModuleDef Sample() => new(new RawModuleDefV10(
    [
        new RawModuleDefV10Section.TypespaceSection(new Typespace([AlgebraicType.Product(("id", AlgebraicType.U32), ("name", AlgebraicType.String))])),
        new RawModuleDefV10Section.TablesSection(
        [
            new RawTableDefV10(
                "user", 0, [0],
                [new RawIndexDefV10("user_id_idx_btree", "id", RawIndexAlgorithm.BTree(0))],
                [new RawConstraintDefV10(null, [0])],
                [new RawSequenceDefV10(null, 0, null, null, null, 1)],
                TableType.User, TableAccess.Public, [], false),
        ]),
        new RawModuleDefV10Section.ReducersSection(
        [
            new RawReducerDefV10(
                "set_name", AlgebraicType.Product(("name", AlgebraicType.String)), FunctionVisibility.ClientCallable, AlgebraicType.Unit, AlgebraicType.String),
        ]),
        new RawModuleDefV10Section.LifeCycleReducersSection([new RawLifeCycleReducerDefV10(Lifecycle.Init, "init")]),
        new RawModuleDefV10Section.CaseConversionPolicySection(CaseConversionPolicy.None),
        new RawModuleDefV10Section.ExplicitNamesSection([new ExplicitNameEntry(ExplicitNameKind.Table, "user", "users")]),
    ]));

    // u32 length + UTF-8, as hex.
    private static string S(string s) => Hex(BitConverter.GetBytes((uint)Encoding.UTF8.GetByteCount(s))) + Hex(Encoding.UTF8.GetBytes(s));

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();

    private static readonly string Golden = string.Concat(
        "02", "06000000",                                   // RawModuleDef::V10, 6 sections
        "00", "01000000", "02", "02000000",                 // Typespace: 1 type, Product with 2 elements
        "00" + S("id") + "0b", "00" + S("name") + "04",     //   some("id"): U32, some("name"): String
        "02", "01000000", S("user"), "00000000",            // Tables: 1, "user", ref 0
        "01000000" + "0000",                                //   primary_key [0]
        "01000000", "00" + S("user_id_idx_btree"), "00" + S("id"), "00", "01000000" + "0000", // index BTree([0])
        "01000000", "01", "00", "01000000" + "0000",        //   constraint: none, Unique([0])
        "01000000", "01", "0000", "01", "01", "01", "01" + new string('0', 30), // sequence col 0, increment 1
        "01", "00", "00000000", "00",                       //   User, Public, no defaults, not event
        "03", "01000000", S("set_name"),                    // Reducers: 1
        "01000000", "00" + S("name") + "04",                //   params (name: String)
        "01", "02" + "00000000", "04",                      //   ClientCallable, ok Unit, err String
        "07", "01000000", "00", S("init"),                  // LifeCycleReducers: Init -> "init"
        "09", "00",                                         // CaseConversionPolicy::None
        "0a", "01000000", "00", S("user"), S("users"));     // ExplicitNames: Table user -> users

    [Fact]
    public void Encodes_to_the_golden_bytes() => Assert.Equal(Golden, Hex(Sample().ToBsatn()));

    [Fact]
    public void Decodes_the_golden_bytes_and_re_encodes_identically()
    {
        var def = RawModuleDef.FromBsatn(Convert.FromHexString(Golden));
        Assert.Equal(Golden, Hex(def.ToBsatn()));
        var v10 = def.V10;
        var table = Assert.Single(v10.Tables!);
        Assert.Equal("user", table.SourceName);
        Assert.Equal([(ushort)0], table.PrimaryKey);
        Assert.Equal("id", table.Indexes[0].AccessorName);
        Assert.Equal((Int128)1, table.Sequences[0].Increment);
        Assert.Equal(CaseConversionPolicy.None, v10.CaseConversionPolicy);
        Assert.Equal("users", v10.CanonicalTableName("user"));
        Assert.Equal("set_name", v10.CanonicalFunctionName("set_name"));
        Assert.Equal(Lifecycle.Init, v10.LifeCycleReducers![0].LifecycleSpec);
        Assert.Equal(AlgebraicType.String, v10.Reducers![0].ErrReturnType);
    }

    [Fact]
    public void Round_trips_every_section_kind()
    {
        var v10 = new RawModuleDefV10(
        [
            new RawModuleDefV10Section.TypespaceSection(new Typespace([AlgebraicType.Sum(("A", AlgebraicType.Unit), ("B", AlgebraicType.I64))])),
            new RawModuleDefV10Section.TypesSection([new RawTypeDefV10(new RawScopedTypeNameV10(["ns"], "MyEnum"), 0, true)]),
            new RawModuleDefV10Section.TablesSection(
            [
                new RawTableDefV10("t", 0, [],
                    [new RawIndexDefV10(null, null, new RawIndexAlgorithm(RawIndexAlgorithmKind.Hash, [1, 2])),
                     new RawIndexDefV10("d", "d", new RawIndexAlgorithm(RawIndexAlgorithmKind.Direct, [3]))],
                    [], [new RawSequenceDefV10("s", 1, 5, -3, Int128.MaxValue, -2)],
                    TableType.System, TableAccess.Private, [new RawColumnDefaultValueV10(2, [1, 2, 3])], true),
            ]),
            new RawModuleDefV10Section.ProceduresSection([new RawProcedureDefV10("p", AlgebraicType.Unit, AlgebraicType.Ref(0), FunctionVisibility.Private)]),
            new RawModuleDefV10Section.ViewsSection([new RawViewDefV10("v", 3, true, false, AlgebraicType.Unit, AlgebraicType.Array(AlgebraicType.Ref(0)))]),
            new RawModuleDefV10Section.SchedulesSection([new RawScheduleDefV10(null, "t", 1, "tick")]),
            new RawModuleDefV10Section.RowLevelSecuritySection([new RawRowLevelSecurityDefV10("SELECT * FROM t")]),
            new RawModuleDefV10Section.HttpHandlersSection([new RawHttpHandlerDefV10("h")]),
            new RawModuleDefV10Section.HttpRoutesSection(
            [
                new RawHttpRouteDefV10("h", null, null, "/a"),
                new RawHttpRouteDefV10("h", RawHttpMethod.Post, null, "/b"),
                new RawHttpRouteDefV10("h", RawHttpMethod.Extension, "PURGE", "/c"),
            ]),
            new RawModuleDefV10Section.ViewPrimaryKeysSection([new RawViewPrimaryKeyDefV10("v", ["id"])]),
            new RawModuleDefV10Section.SubmodulesSection([new RawSubmoduleV10("sub", new RawModuleDefV10([]))]),
        ]);
        var bytes = new RawModuleDef(v10).ToBsatn();
        var back = RawModuleDef.FromBsatn(bytes).V10;
        Assert.Equal(bytes, new RawModuleDef(back).ToBsatn());
        Assert.Equal(CaseConversionPolicy.SnakeCase, back.CaseConversionPolicy);
        Assert.Equal("PURGE", back.HttpRoutes![2].ExtensionMethod);
        Assert.Equal([(ushort)3], back.Tables![0].Indexes[1].Algorithm.Columns);
        Assert.Equal((Int128)(-3), back.Tables![0].Sequences[0].MinValue);
        Assert.Equal([1, 2, 3], back.Tables![0].DefaultValues[0].Value);
        Assert.Equal("sub", Assert.Single(back.Sections.OfType<RawModuleDefV10Section.SubmodulesSection>()).Submodules[0].Namespace);
    }

    [Theory]
    [InlineData("01", "V9")]
    [InlineData("00", "V8")]
    public void Older_versions_are_rejected_clearly(string tag, string _)
    {
        var e = Assert.Throws<BsatnDecodeException>(() => RawModuleDef.FromBsatn(Convert.FromHexString(tag + "00000000")));
        Assert.Contains("only V10", e.Message);
    }

    [Fact]
    public void Truncated_and_trailing_input_fail()
    {
        var bytes = Sample().ToBsatn();
        for (var cut = 0; cut < bytes.Length; cut++)
            Assert.Throws<BsatnDecodeException>(() => RawModuleDef.FromBsatn(bytes.AsSpan(0, cut)));
        Assert.Throws<BsatnDecodeException>(() => RawModuleDef.FromBsatn([.. bytes, 0]));
    }

    [Fact]
    public void Unknown_section_tag_fails()
    {
        var e = Assert.Throws<BsatnDecodeException>(() => RawModuleDef.FromBsatn(Convert.FromHexString("02" + "01000000" + "0f")));
        Assert.Contains("RawModuleDefV10Section", e.Message);
    }
}
