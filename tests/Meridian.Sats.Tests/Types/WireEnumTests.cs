using Meridian.Sats.ModuleDef;
using Meridian.Sats.Types;

namespace Meridian.Sats.Tests.Types;

/// <summary>Numbers of enums that are on the wire or on disk. These may only grow: never change a line.</summary>
public class WireEnumTests
{
    [Fact]
    public void AlgebraicType_tags_are_pinned()
    {
        var expected = new (AlgebraicTypeTag Tag, int Value)[]
        {
            (AlgebraicTypeTag.Ref, 0), (AlgebraicTypeTag.Sum, 1), (AlgebraicTypeTag.Product, 2), (AlgebraicTypeTag.Array, 3),
            (AlgebraicTypeTag.String, 4), (AlgebraicTypeTag.Bool, 5), (AlgebraicTypeTag.I8, 6), (AlgebraicTypeTag.U8, 7),
            (AlgebraicTypeTag.I16, 8), (AlgebraicTypeTag.U16, 9), (AlgebraicTypeTag.I32, 10), (AlgebraicTypeTag.U32, 11),
            (AlgebraicTypeTag.I64, 12), (AlgebraicTypeTag.U64, 13), (AlgebraicTypeTag.I128, 14), (AlgebraicTypeTag.U128, 15),
            (AlgebraicTypeTag.I256, 16), (AlgebraicTypeTag.U256, 17), (AlgebraicTypeTag.F32, 18), (AlgebraicTypeTag.F64, 19),
        };
        foreach (var (tag, value) in expected)
            Assert.Equal(value, (int)tag);
        Assert.Equal(expected.Length, Enum.GetValues<AlgebraicTypeTag>().Length);
    }

    [Fact]
    public void Module_definition_enums_are_pinned()
    {
        Assert.Equal([0, 1], Enum.GetValues<CaseConversionPolicy>().Select(v => (int)v));
        Assert.Equal(0, (int)CaseConversionPolicy.None);
        Assert.Equal(0, (int)TableType.System);
        Assert.Equal(1, (int)TableType.User);
        Assert.Equal(0, (int)TableAccess.Public);
        Assert.Equal(1, (int)TableAccess.Private);
        Assert.Equal(0, (int)FunctionVisibility.Private);
        Assert.Equal(1, (int)FunctionVisibility.ClientCallable);
        Assert.Equal(0, (int)Lifecycle.Init);
        Assert.Equal(1, (int)Lifecycle.OnConnect);
        Assert.Equal(2, (int)Lifecycle.OnDisconnect);
        Assert.Equal(0, (int)ExplicitNameKind.Table);
        Assert.Equal(1, (int)ExplicitNameKind.Function);
        Assert.Equal(2, (int)ExplicitNameKind.Index);
        Assert.Equal(0, (int)RawIndexAlgorithmKind.BTree);
        Assert.Equal(1, (int)RawIndexAlgorithmKind.Hash);
        Assert.Equal(2, (int)RawIndexAlgorithmKind.Direct);
        Assert.Equal(Enumerable.Range(0, 15), Enum.GetValues<RawModuleDefV10SectionTag>().Select(v => (int)v));
        Assert.Equal(0, (int)RawModuleDefV10SectionTag.Typespace);
        Assert.Equal(10, (int)RawModuleDefV10SectionTag.ExplicitNames);
        Assert.Equal(14, (int)RawModuleDefV10SectionTag.Submodules);
        Assert.Equal(Enumerable.Range(0, 10), Enum.GetValues<RawHttpMethod>().Select(v => (int)v));
    }
}
