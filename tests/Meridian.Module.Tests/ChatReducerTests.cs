using Meridian.Sats.Bsatn;
using Meridian.Sats.ModuleDef;
using SpacetimeDB;
using SpacetimeDB.Internal;

namespace Meridian.Module.Tests;

public class ChatReducerTests
{
    private const int MessageTable = 0;
    private const int UserTable = 1;

    private static readonly ModuleDescriptor Chat = ModuleDescriptor.Load(typeof(global::Module).Assembly);
    private static readonly Identity Alice = Identity.FromHexString(new string('a', 64));
    private static readonly Identity Bob = Identity.FromHexString(new string('b', 64));
    private static readonly ConnectionId Conn = ConnectionId.FromHexString("0123456789abcdef0123456789abcdef")!.Value;

    private readonly InMemoryHost _host = new(Chat.Definition, Identity.FromHexString(new string('d', 64)));

    private void Call(string reducer, Identity sender, long micros = 1_700_000_000_000_000, params string[] args)
    {
        var w = new BsatnWriter();
        foreach (var a in args)
            w.WriteString(a);
        Chat.CallReducer(_host, Chat.FindReducer(reducer)!.Id, new ReducerCallInfo(sender, Conn, new Timestamp(micros)), w.WrittenSpan);
    }

    private List<global::Module.User> Users() => _host.Rows(UserTable).Select(Decode<global::Module.User, global::Module.User.BSATN>).ToList();

    private List<global::Module.Message> Messages() => _host.Rows(MessageTable).Select(Decode<global::Module.Message, global::Module.Message.BSATN>).ToList();

    private static T Decode<T, TRW>(byte[] bytes)
        where TRW : struct, SpacetimeDB.BSATN.IReadWrite<T>
    {
        var r = new BsatnReader(bytes);
        return default(TRW).Read(ref r);
    }

    [Fact]
    public void Connect_inserts_an_online_user_and_disconnect_marks_it_offline()
    {
        Call("ClientConnected", Alice);
        var user = Assert.Single(Users());
        Assert.Equal(Alice, user.Identity);
        Assert.True(user.Online);
        Assert.Null(user.Name);

        Call("ClientDisconnected", Alice);
        Assert.False(Assert.Single(Users()).Online);

        Call("ClientConnected", Alice);
        Assert.True(Assert.Single(Users()).Online);
    }

    [Fact]
    public void Set_name_updates_the_callers_row_through_the_primary_key()
    {
        Call("ClientConnected", Alice);
        Call("ClientConnected", Bob);
        Call("SetName", Alice, args: "alice");
        var users = Users().ToDictionary(u => u.Identity);
        Assert.Equal("alice", users[Alice].Name);
        Assert.Null(users[Bob].Name);
        Assert.Equal(2, users.Count);
    }

    [Fact]
    public void Empty_name_fails_with_the_modules_message()
    {
        Call("ClientConnected", Alice);
        var e = Assert.Throws<ArgumentException>(() => Call("SetName", Alice, args: ""));
        Assert.Equal("Names must not be empty", ModuleDescriptor.ErrorMessage(e));
        Assert.Null(Assert.Single(Users()).Name);
    }

    [Fact]
    public void Send_message_inserts_sender_time_and_text()
    {
        Call("SendMessage", Bob, 1_700_000_000_123_456, "hello");
        var m = Assert.Single(Messages());
        Assert.Equal(Bob, m.Sender);
        Assert.Equal(new Timestamp(1_700_000_000_123_456), m.Sent);
        Assert.Equal("hello", m.Text);
        Assert.Contains(_host.Logs, l => l.Level == LogLevel.Info && l.Message == "hello");
    }

    [Fact]
    public void Empty_message_fails_and_inserts_nothing()
    {
        var e = Assert.Throws<ArgumentException>(() => Call("SendMessage", Bob, args: ""));
        Assert.Equal("Messages must not be empty", ModuleDescriptor.ErrorMessage(e));
        Assert.Empty(Messages());
    }

    [Fact]
    public void Extra_argument_bytes_are_rejected_before_the_reducer_runs()
    {
        var e = Assert.Throws<Meridian.Sats.Bsatn.BsatnDecodeException>(() => Call("SendMessage", Bob, args: ["hi", "extra"]));
        Assert.Contains("Unrecognised extra bytes", e.Message);
        Assert.Empty(Messages());
    }

    [Fact]
    public void Missing_arguments_fail_to_decode()
    {
        Assert.Throws<Meridian.Sats.Bsatn.BsatnDecodeException>(() => Call("SetName", Alice));
    }

    [Fact]
    public void Init_runs_and_logs()
    {
        Call("Init", Alice);
        Assert.Contains(_host.Logs, l => l.Message == "Chat module initialised");
    }

    [Fact]
    public void Database_calls_outside_a_reducer_fail_clearly()
    {
        Assert.False(ModuleHost.IsBound);
        Assert.Throws<NotInTransactionException>(() => ModuleHost.DatabaseIdentity);
        Assert.Throws<ArgumentOutOfRangeException>(() => Chat.CallReducer(_host, 99, default, []));
    }

    [Fact]
    public void Lifecycle_lookup_finds_each_kind()
    {
        Assert.Equal("ClientConnected", Chat.FindLifecycleReducer(Lifecycle.OnConnect)!.Name);
        Assert.Equal("ClientDisconnected", Chat.FindLifecycleReducer(Lifecycle.OnDisconnect)!.Name);
    }
}
