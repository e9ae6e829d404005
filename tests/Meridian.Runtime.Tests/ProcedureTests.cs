using System.Net;
using System.Net.Sockets;
using System.Text;
using Meridian.Runtime.Execution;
using Meridian.Sats;
using Meridian.Sats.Bsatn;
using Meridian.Sats.Values;
using Meridian.Storage;

namespace Meridian.Runtime.Tests;

/// <summary>tests/Modules/Procedures: return values, WithTx/TryWithTx, HTTP to a loopback server, a scheduled procedure.</summary>
public sealed class ProcedureTests() : InMemoryModuleTests("procedures", TestModules.Procedures)
{
    private static readonly Identity Caller = Identity.FromClaims("localhost", "caller");

    private async Task<byte[]> Call(string procedure, Action<BsatnWriter>? args = null)
    {
        var result = await Db.CallProcedureAsync(procedure, Args(args), Caller, ConnectionId.Random());
        Assert.True(result.Status == ProcedureCallStatus.Returned, $"{procedure}: {result.Status} {result.Error}");
        return result.ReturnValue!;
    }

    private async Task<string> CallString(string procedure, Action<BsatnWriter>? args = null)
    {
        var bytes = await Call(procedure, args);
        return new BsatnReader(bytes).ReadString();
    }

    private List<string> Items()
    {
        var state = Db.Store.Committed;
        var cursor = state.Scan(state.GetTable("item").Id);
        var names = new List<string>();
        while (cursor.MoveNext())
            names.Add(((StringValue)cursor.CurrentValue.Elements[1]).Value);
        return names;
    }

    [Fact]
    public void Procedures_are_in_the_schema_and_the_scheduled_one_is_private()
    {
        Assert.Contains(Db.Schema.Procedures, p => p.Name == "add" && p.ClientCallable);
        Assert.Contains(Db.Schema.Procedures, p => p.Name == "scheduled_proc" && !p.ClientCallable);
        Assert.Contains(Db.Schema.Schedules, s => s.Procedure?.Name == "scheduled_proc");
    }

    [Fact]
    public async Task Return_values_reach_the_caller()
    {
        Assert.Equal(42UL, new BsatnReader(await Call("add", w => { w.WriteU32(40); w.WriteU32(2); })).ReadU64());
        var pair = await Call("return_struct", w => { w.WriteU32(7); w.WriteString("seven"); });
        CheckPair(pair);
        var sum = await Call("return_enum_b", w => w.WriteString("bee"));
        CheckSum(sum);
        var who = await Call("who_am_i");
        var r = new BsatnReader(who);
        Assert.Equal(Caller, Identity.ReadBsatn(ref r));
    }

    private static void CheckPair(byte[] bytes)
    {
        var r = new BsatnReader(bytes);
        Assert.Equal(7U, r.ReadU32());
        Assert.Equal("seven", r.ReadString());
    }

    private static void CheckSum(byte[] bytes)
    {
        var r = new BsatnReader(bytes);
        Assert.Equal(1, r.ReadSumTag(2, "ReturnEnum"));
        Assert.Equal("bee", r.ReadString());
    }

    [Fact]
    public async Task A_throwing_procedure_reports_its_error_and_the_database_keeps_serving()
    {
        var result = await Db.CallProcedureAsync("will_panic", [], Caller, ConnectionId.Random());
        Assert.Equal(ProcedureCallStatus.Failed, result.Status);
        Assert.Equal("This procedure is expected to panic", result.Error);
        Assert.Equal(ProcedureCallStatus.NotRun, (await Db.CallProcedureAsync("nope", [], Caller, ConnectionId.Random())).Status);
        Assert.Equal(ProcedureCallStatus.NotRun, (await Db.CallProcedureAsync("scheduled_proc", [], Caller, ConnectionId.Random())).Status);
        Assert.Equal(ProcedureCallStatus.NotRun, (await Db.CallProcedureAsync("add", [1, 2], Caller, ConnectionId.Random())).Status);
        Assert.Equal(3UL, new BsatnReader(await Call("add", w => { w.WriteU32(1); w.WriteU32(2); })).ReadU64());
    }

    [Fact]
    public async Task WithTx_commits_and_a_throwing_body_rolls_back()
    {
        var id = new BsatnReader(await Call("insert_with_tx", w => w.WriteString("kept"))).ReadU64();
        Assert.True(id > 0);
        Assert.Contains("kept", Items());
        var count = new BsatnReader(await Call("insert_then_throw", w => w.WriteString("dropped"))).ReadU64();
        Assert.DoesNotContain("dropped", Items());
        Assert.Equal((ulong)Items().Count, count);
    }

    [Fact]
    public async Task TryWithTx_commits_on_ok_and_rolls_back_on_err()
    {
        Assert.StartsWith("committed ", await CallString("try_insert", w => { w.WriteString("ok-row"); w.WriteBool(false); }), StringComparison.Ordinal);
        Assert.Equal("rolled back: refused", await CallString("try_insert", w => { w.WriteString("err-row"); w.WriteBool(true); }));
        Assert.Contains("ok-row", Items());
        Assert.DoesNotContain("err-row", Items());
    }

    [Fact]
    public async Task The_database_outside_a_transaction_throws()
    {
        Assert.Equal("NotInTransactionException", await CallString("db_outside_tx"));
    }

    [Fact]
    public async Task Http_reaches_a_loopback_server_with_a_timeout_and_is_refused_inside_a_transaction()
    {
        using var server = new LoopbackHttpServer();
        var url = server.Url("/hello");
        Assert.Equal("200 hello from /hello", await CallString("fetch", w => { w.WriteString(url); w.WriteU64(0); }));
        var slow = await CallString("fetch", w => { w.WriteString(server.Url("/slow")); w.WriteU64(200); });
        Assert.StartsWith("error ", slow, StringComparison.Ordinal);
        Assert.Contains("timed out", slow, StringComparison.Ordinal);
        Assert.StartsWith("error ", await CallString("fetch", w => { w.WriteString("not a url"); w.WriteU64(0); }), StringComparison.Ordinal);
        var inTx = await CallString("fetch_in_tx", w => w.WriteString(url));
        Assert.Equal("error HTTP requests are not allowed inside a transaction.", inTx);
    }

    [Fact]
    public async Task A_scheduled_procedure_runs_after_its_row_is_deleted()
    {
        var w = new BsatnWriter();
        w.WriteString("soon");
        w.WriteU64(20);
        var call = await Db.CallReducerAsync("schedule_proc", w.ToArray(), Caller, ConnectionId.Random());
        Assert.Equal(ReducerStatus.Committed, call.Status);
        var until = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < until && !Items().Contains("scheduled soon row-present=False"))
            await Task.Delay(20);
        Assert.Contains("scheduled soon row-present=False", Items());
    }

    /// <summary>A minimal HTTP/1.1 server on 127.0.0.1 (port 0): <c>/slow</c> never answers, anything else gets "hello from PATH".</summary>
    private sealed class LoopbackHttpServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();

        public LoopbackHttpServer()
        {
            _listener.Start();
            _ = AcceptAsync();
        }

        public string Url(string path) => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}{path}";

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                _ = ServeAsync(client);
            }
        }

        private async Task ServeAsync(TcpClient client)
        {
            using (client)
            {
                var stream = client.GetStream();
                var reader = new StreamReader(stream, Encoding.ASCII);
                var requestLine = await reader.ReadLineAsync(_stop.Token) ?? "";
                while (!string.IsNullOrEmpty(await reader.ReadLineAsync(_stop.Token)))
                {
                }
                var path = requestLine.Split(' ') is [_, var p, ..] ? p : "/";
                if (path == "/slow")
                {
                    await Task.Delay(Timeout.Infinite, _stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
                    return;
                }
                var body = Encoding.UTF8.GetBytes($"hello from {path}");
                var head = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
                await stream.WriteAsync(head, _stop.Token);
                await stream.WriteAsync(body, _stop.Token);
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _stop.Dispose();
        }
    }
}
