using SpacetimeDB;

#pragma warning disable STDB_UNSTABLE // VolatileNonatomicScheduleImmediate is experimental upstream too.

public static partial class Module
{
    [Table(Accessor = "note", Public = true)]
    public partial struct Note
    {
        [PrimaryKey, AutoInc]
        public ulong id;
        public string text;
    }

    // What SenderAuth showed the last reducer that asked.
    [Table(Accessor = "auth_seen", Public = true)]
    public partial struct AuthSeen
    {
        [PrimaryKey]
        public Identity caller;
        public bool has_jwt;
        public bool is_internal;
        public string subject;
    }

    [Reducer]
    public static void record_auth(ReducerContext ctx)
    {
        var auth = ctx.SenderAuth;
        ctx.Db.auth_seen.caller.Delete(ctx.Sender);
        ctx.Db.auth_seen.Insert(new AuthSeen
        {
            caller = ctx.Sender,
            has_jwt = auth.HasJwt,
            is_internal = auth.IsInternal,
            subject = auth.Jwt?.Subject ?? "",
        });
    }

    [Reducer]
    public static void timed_insert(ReducerContext ctx, string text)
    {
        using var stopwatch = new LogStopwatch("timed_insert");
        ctx.Db.note.Insert(new Note { text = text });
    }

    [Reducer]
    public static void insert_note(ReducerContext ctx, string text) => ctx.Db.note.Insert(new Note { text = text });

    // Schedules insert_note, then fails: the scheduled call is not part of this transaction and still runs.
    [Reducer]
    public static void schedule_then_fail(ReducerContext ctx, string text)
    {
        VolatileNonatomicScheduleImmediateinsert_note(text);
        throw new Exception("failing after scheduling");
    }

    [HttpHandler]
    public static HttpResponse get_simple(HandlerContext ctx, HttpRequest request) =>
        new(200, HttpVersion.Http11, [new HttpHeader("x-handler", "get_simple")], HttpBody.FromString("ok"));

    // Echoes what the handler saw: method, URI and body.
    [HttpHandler]
    public static HttpResponse echo(HandlerContext ctx, HttpRequest request) =>
        new(200, HttpVersion.Http11, [],
            HttpBody.FromString($"{request.Method.Value} {request.Uri} {request.Body.ToStringUtf8Lossy()}"));

    // Inserts the body as a note in a transaction and answers with the number of notes.
    [HttpHandler]
    public static HttpResponse add_note(HandlerContext ctx, HttpRequest request)
    {
        var text = request.Body.ToStringUtf8Lossy();
        if (text.Length == 0)
            return new(400, HttpVersion.Http11, [], HttpBody.FromString("empty note"));
        var count = ctx.WithTx(tx =>
        {
            tx.Db.note.Insert(new Note { text = text });
            return tx.Db.note.Count;
        });
        return new(201, HttpVersion.Http11, [], HttpBody.FromString(count.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [HttpHandler]
    public static HttpResponse fail(HandlerContext ctx, HttpRequest request) =>
        throw new Exception("the handler failed on purpose");

    [HttpRouter]
    public static Router router() =>
        Router.New()
            .Get("/get", Handlers.get_simple)
            .Any("/echo", Handlers.echo)
            .Post("/notes", Handlers.add_note)
            .Get("/fail", Handlers.fail)
            .Nest("/v2", Router.New().Get("/", Handlers.get_simple));
}
