using System.Net;
using System.Net.Sockets;
using System.Text;
using Meridian.Runtime.Execution;
using Meridian.Runtime.Logging;
using Meridian.Runtime.Modules;
using Meridian.Runtime.Tests.LiveGrammar;
using Meridian.Sats;
using Meridian.Sats.Bsatn;
using Meridian.Storage;

namespace Meridian.Runtime.Tests;

/// <summary>
/// A database's procedures run one at a time in call order, as upstream's do (upstream's C# SDK regression client calls
/// procedures that insert and procedures that count without waiting for each answer, and expects each to see the ones
/// before it), except that a procedure waiting on HTTP lets the others run meanwhile.
/// </summary>
public sealed class ProcedureOrderTests : IAsyncLifetime
{
    private const string Source = """
        using SpacetimeDB;
        [Table(Accessor = "Entry", Public = true)]
        public partial struct Entry
        {
            [PrimaryKey, AutoInc] public ulong Id;
            public string Text;
        }
        public static partial class M
        {
            [Procedure]
            public static void SlowInsert(ProcedureContext ctx, string text)
            {
                System.Threading.Thread.Sleep(300);
                ctx.WithTx(tx => tx.Db.Entry.Insert(new Entry { Text = text }).Id);
            }

            [Procedure]
            public static ulong Count(ProcedureContext ctx) => ctx.WithTx(tx => tx.Db.Entry.Count);

            [Procedure]
            public static string Fetch(ProcedureContext ctx, string url) =>
                ctx.Http.Get(url).Match(r => r.Body.ToStringUtf8Lossy(), e => "error " + e.Message);
        }
        """;

    private static readonly Identity Owner = Identity.FromClaims("localhost", "owner");
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private Database _db = null!;

    public async Task InitializeAsync()
    {
        var module = LoadedModule.Load("procorder", RandomModule.Compile("ProcedureOrder", Source));
        _db = await Database.OpenAsync(
            "procorder", Identity.FromClaims("localhost", "db"), Owner, Datastore.CreateInMemory(), module, new ModuleLog(null), runInit: true);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private Task<ProcedureCallResult> Start(string procedure, string? text = null)
    {
        var w = new BsatnWriter();
        if (text is not null)
            w.WriteString(text);
        return _db.CallProcedureAsync(procedure, w.ToArray(), Owner, ConnectionId.Random());
    }

    private static async Task<byte[]> Returned(Task<ProcedureCallResult> call)
    {
        var result = await call.WaitAsync(Timeout);
        Assert.True(result.Status == ProcedureCallStatus.Returned, $"{result.Status} {result.Error}");
        return result.ReturnValue!;
    }

    [Fact]
    public async Task Procedures_called_without_waiting_take_effect_in_call_order()
    {
        var calls = new[] { Start("slow_insert", "a"), Start("count"), Start("slow_insert", "b"), Start("count") };
        await Returned(calls[0]);
        Assert.Equal(1ul, new BsatnReader(await Returned(calls[1])).ReadU64());
        await Returned(calls[2]);
        Assert.Equal(2ul, new BsatnReader(await Returned(calls[3])).ReadU64());
    }

    [Fact]
    public async Task A_procedure_waiting_on_http_lets_later_ones_run()
    {
        using var server = new HoldingHttpServer();
        var fetch = Start("fetch", server.Url);
        await server.Requested.WaitAsync(Timeout);

        // The fetch is still waiting for its answer; the count after it runs meanwhile.
        Assert.Equal(0ul, new BsatnReader(await Returned(Start("count"))).ReadU64());
        Assert.False(fetch.IsCompleted);

        server.Release();
        Assert.Equal("released", new BsatnReader(await Returned(fetch)).ReadString());
        await Returned(Start("slow_insert", "after"));
        Assert.Equal(1ul, new BsatnReader(await Returned(Start("count"))).ReadU64());
    }

    /// <summary>An HTTP server on 127.0.0.1 (port 0) that answers its one request only when released.</summary>
    private sealed class HoldingHttpServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly TaskCompletionSource _requested = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public HoldingHttpServer()
        {
            _listener.Start();
            _ = ServeAsync();
        }

        public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/held";

        public Task Requested => _requested.Task;

        public void Release() => _release.TrySetResult();

        private async Task ServeAsync()
        {
            using var client = await _listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var reader = new StreamReader(stream, Encoding.ASCII);
            while (!string.IsNullOrEmpty(await reader.ReadLineAsync()))
            {
            }
            _requested.TrySetResult();
            await _release.Task;
            var body = Encoding.UTF8.GetBytes("released");
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"));
            await stream.WriteAsync(body);
        }

        public void Dispose()
        {
            _release.TrySetResult();
            _listener.Stop();
        }
    }
}
