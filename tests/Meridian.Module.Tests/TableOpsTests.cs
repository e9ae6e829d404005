using SpacetimeDB;
using SpacetimeDB.Internal;

namespace Meridian.Module.Tests;

public class TableOpsTests
{
    private static readonly ModuleDescriptor Chat = ModuleDescriptor.Load(typeof(global::Module).Assembly);

    private static global::Module.Message Msg(string text) => new() { Sender = default, Sent = new Timestamp(1), Text = text };

    [Fact]
    public void Iter_is_lazy_and_snapshots_when_enumeration_starts()
    {
        var host = new InMemoryHost(Chat.Definition, default);
        using var scope = ModuleHost.Enter(host);

        TableOps<global::Module.Message, global::Module.Message.BSATN>.Insert(0, Msg("a"), null);
        var rows = TableOps<global::Module.Message, global::Module.Message.BSATN>.Iter(0);
        TableOps<global::Module.Message, global::Module.Message.BSATN>.Insert(0, Msg("b"), null); // before enumeration: visible

        var seen = new List<string>();
        foreach (var m in rows)
        {
            seen.Add(m.Text);
            TableOps<global::Module.Message, global::Module.Message.BSATN>.Insert(0, Msg(m.Text + "!"), null); // during: invisible
        }
        Assert.Equal(["a", "b"], seen);
        Assert.Equal(4UL, TableOps<global::Module.Message, global::Module.Message.BSATN>.Count(0));
        Assert.Equal(4, rows.Count()); // enumerating again re-queries
    }

    [Fact]
    public void Duplicate_rows_are_a_no_op_and_delete_removes_by_value()
    {
        var host = new InMemoryHost(Chat.Definition, default);
        using var scope = ModuleHost.Enter(host);
        TableOps<global::Module.Message, global::Module.Message.BSATN>.Insert(0, Msg("x"), null);
        TableOps<global::Module.Message, global::Module.Message.BSATN>.Insert(0, Msg("x"), null);
        Assert.Equal(1UL, TableOps<global::Module.Message, global::Module.Message.BSATN>.Count(0));
        Assert.True(TableOps<global::Module.Message, global::Module.Message.BSATN>.Delete(0, Msg("x")));
        Assert.False(TableOps<global::Module.Message, global::Module.Message.BSATN>.Delete(0, Msg("x")));
    }

    [Fact]
    public void Unique_violation_and_missing_update_surface_as_exceptions()
    {
        var host = new InMemoryHost(Chat.Definition, default);
        using var scope = ModuleHost.Enter(host);
        var alice = Identity.FromHexString(new string('a', 64));
        TableOps<global::Module.User, global::Module.User.BSATN>.Insert(1, new global::Module.User { Identity = alice, Online = true }, null);
        Assert.Throws<UniqueConstraintViolationException>(() =>
            TableOps<global::Module.User, global::Module.User.BSATN>.Insert(1, new global::Module.User { Identity = alice, Online = false }, null));
        var e = Assert.Throws<NoSuchRowException>(() =>
            TableOps<global::Module.User, global::Module.User.BSATN>.Update(1, 0, new global::Module.User { Identity = default, Online = false }, null));
        Assert.Equal("The row was not found, e.g., in an update call", e.Message);
        Assert.Equal("Value with given unique identifier already exists", new UniqueConstraintViolationException().Message);
    }

    [Fact]
    public void A_null_non_nullable_string_fails_to_encode()
    {
        var host = new InMemoryHost(Chat.Definition, default);
        using var scope = ModuleHost.Enter(host);
        Assert.Throws<ArgumentNullException>(() =>
            TableOps<global::Module.Message, global::Module.Message.BSATN>.Insert(0, new global::Module.Message { Text = null! }, null));
    }
}
