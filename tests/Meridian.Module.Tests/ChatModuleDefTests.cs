using Meridian.Sats.ModuleDef;
using Meridian.Sats.Types;
using SpacetimeDB.Internal;

namespace Meridian.Module.Tests;

public class ChatModuleDefTests
{
    private static readonly ModuleDescriptor Chat = ModuleDescriptor.Load(typeof(global::Module).Assembly);

    private static RawModuleDefV10 Def => Chat.Definition.V10;

    [Fact]
    public void Tables_are_sorted_by_accessor_with_snake_case_canonical_names()
    {
        Assert.Equal(["Message", "User"], Def.Tables!.Select(t => t.SourceName));
        Assert.Equal("message", Def.CanonicalTableName("Message"));
        Assert.Equal("user", Def.CanonicalTableName("User"));
        Assert.All(Def.Tables!, t => Assert.Equal(TableAccess.Public, t.TableAccess));
        Assert.All(Def.Tables!, t => Assert.Equal(TableType.User, t.TableType));
        Assert.All(Def.Tables!, t => Assert.False(t.IsEvent));
    }

    [Fact]
    public void Row_types_are_named_products_in_the_typespace()
    {
        var ts = Def.Typespace!;
        var message = (ProductType)ts[Def.Tables![0].ProductTypeRef];
        var user = (ProductType)ts[Def.Tables![1].ProductTypeRef];
        Assert.Equal(AlgebraicType.Product(("Sender", AlgebraicType.Identity), ("Sent", AlgebraicType.Timestamp), ("Text", AlgebraicType.String)), message);
        Assert.Equal(
            AlgebraicType.Product(("Identity", AlgebraicType.Identity), ("Name", AlgebraicType.Option(AlgebraicType.String)), ("Online", AlgebraicType.Bool)),
            user);
        Assert.Equal(["Message", "User"], Def.Types!.Select(t => t.SourceName.SourceName));
        Assert.Equal([0u, 1u], Def.Types!.Select(t => t.Ty));
        Assert.All(Def.Types!, t => Assert.Empty(t.SourceName.Scope));
        Assert.Equal("sender", CanonicalNames.ToSnakeCase(message.Elements[0].Name!));
    }

    [Fact]
    public void User_has_identity_primary_key_with_unique_constraint_and_index()
    {
        var user = Def.Tables![1];
        Assert.Equal([(ushort)0], user.PrimaryKey);
        var index = Assert.Single(user.Indexes);
        Assert.Equal("User_Identity_idx_btree", index.SourceName);
        Assert.Equal("Identity", index.AccessorName);
        Assert.Equal(RawIndexAlgorithmKind.BTree, index.Algorithm.Kind);
        Assert.Equal([(ushort)0], index.Algorithm.Columns);
        Assert.Equal([(ushort)0], Assert.Single(user.Constraints).UniqueColumns);
        Assert.Empty(user.Sequences);
        var message = Def.Tables![0];
        Assert.Empty(message.PrimaryKey);
        Assert.Empty(message.Indexes);
        Assert.Empty(message.Constraints);
    }

    [Fact]
    public void Reducers_are_sorted_with_lifecycle_entries_and_private_lifecycle_reducers()
    {
        Assert.Equal(["ClientConnected", "ClientDisconnected", "Init", "SendMessage", "SetName"], Def.Reducers!.Select(r => r.SourceName));
        Assert.Equal(
            ["client_connected", "client_disconnected", "init", "send_message", "set_name"],
            Def.Reducers!.Select(r => Def.CanonicalFunctionName(r.SourceName)));
        Assert.Equal(
            [
                FunctionVisibility.Private,
                FunctionVisibility.Private,
                FunctionVisibility.Private,
                FunctionVisibility.ClientCallable,
                FunctionVisibility.ClientCallable],
            Def.Reducers!.Select(r => r.Visibility));
        Assert.Equal(AlgebraicType.Product(("name", AlgebraicType.String)), Def.Reducers![4].Params);
        Assert.Equal(AlgebraicType.Product(("text", AlgebraicType.String)), Def.Reducers![3].Params);
        Assert.All(Def.Reducers!, r => Assert.Equal(AlgebraicType.Unit, r.OkReturnType));
        Assert.All(Def.Reducers!, r => Assert.Equal(AlgebraicType.String, r.ErrReturnType));
        Assert.Equal(
            [(Lifecycle.OnConnect, "ClientConnected"), (Lifecycle.OnDisconnect, "ClientDisconnected"), (Lifecycle.Init, "Init")],
            Def.LifeCycleReducers!.Select(l => (l.LifecycleSpec, l.FunctionName)));
        Assert.Equal(3, Chat.FindReducer("SendMessage")!.Id);
        Assert.Equal("Init", Chat.FindLifecycleReducer(Lifecycle.Init)!.Name);
    }

    [Fact]
    public void Definition_has_only_the_sections_it_needs_and_round_trips()
    {
        Assert.Equal(
            [
                RawModuleDefV10SectionTag.Typespace,
                RawModuleDefV10SectionTag.Types,
                RawModuleDefV10SectionTag.Tables,
                RawModuleDefV10SectionTag.Reducers,
                RawModuleDefV10SectionTag.LifeCycleReducers],
            Def.Sections.Select(s => s.Tag));
        Assert.Equal(CaseConversionPolicy.SnakeCase, Def.CaseConversionPolicy);
        var bytes = Chat.Definition.ToBsatn();
        Assert.Equal(bytes, RawModuleDef.FromBsatn(bytes).ToBsatn());
    }
}
