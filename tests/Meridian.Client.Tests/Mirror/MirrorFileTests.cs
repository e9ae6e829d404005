using Meridian.Client.Dynamic;
using Meridian.Client.Mirror;
using Meridian.Sats;
using Meridian.Sats.Types;
using Meridian.Sats.Values;
using Microsoft.Data.Sqlite;

namespace Meridian.Client.Tests.Mirror;

/// <summary>The mirror file without a server: type mapping, the atomic rebuild, the incremental batches.</summary>
public sealed class MirrorFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("meridian-mirror-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly SumType Color = AlgebraicType.Sum(("Red", AlgebraicType.Unit), ("Green", AlgebraicType.Unit), ("DeepBlue", AlgebraicType.Unit));
    private static readonly ProductType Point = AlgebraicType.Product(("x", AlgebraicType.I32), ("y", AlgebraicType.I32));

    // Row type at typespace index 2; Point at 0 and Color at 1 are referenced, as a module's typespace does.
    private static readonly ProductType EveryRow = AlgebraicType.Product(
        ("id", AlgebraicType.U64),
        ("flag", AlgebraicType.Bool),
        ("small", AlgebraicType.I8),
        ("big", AlgebraicType.U64),
        ("huge", AlgebraicType.U128),
        ("ratio", AlgebraicType.F32),
        ("score", AlgebraicType.F64),
        ("name", AlgebraicType.String),
        ("owner", AlgebraicType.Identity),
        ("at", AlgebraicType.Timestamp),
        ("took", AlgebraicType.TimeDuration),
        ("maybe", AlgebraicType.Option(AlgebraicType.I32)),
        ("color", AlgebraicType.Ref(1)),
        ("shape", AlgebraicType.Sum(("Dot", AlgebraicType.Ref(0)), ("Circle", AlgebraicType.F64))),
        ("where", AlgebraicType.Ref(0)),
        ("words", AlgebraicType.Array(AlgebraicType.String)),
        ("blob", AlgebraicType.Bytes),
        ("key", AlgebraicType.Uuid),
        ("maybe_point", AlgebraicType.Option(AlgebraicType.Ref(0))));

    private static readonly Typespace Types = new([Point, Color, EveryRow]);

    private static TableSchema Every { get; } = new("every", EveryRow, Types, PrimaryKey: 0, IsPublic: true, IsSystem: false, IsEvent: false);

    private static DynamicRow EveryValue(ulong id, bool flag, int? maybe) => new(Every, AlgebraicValue.Product(
        AlgebraicValue.U64(id),
        AlgebraicValue.Bool(flag),
        AlgebraicValue.I8(-5),
        AlgebraicValue.U64(ulong.MaxValue),
        AlgebraicValue.U128(UInt128.MaxValue),
        AlgebraicValue.F32(0.1f),
        AlgebraicValue.F64(2.5),
        AlgebraicValue.String("it's \"quoted\""),
        new Identity(new Meridian.Sats.Numerics.UInt256(0, 0xabc)).ToValue(),
        new Timestamp(1_700_000_000_123_456).ToValue(),
        new TimeDuration(1_500_000).ToValue(),
        maybe is { } m ? AlgebraicValue.OptionSome(AlgebraicValue.I32(m)) : AlgebraicValue.OptionNone,
        AlgebraicValue.Sum(2, AlgebraicValue.Unit),
        AlgebraicValue.Sum(0, AlgebraicValue.Product(AlgebraicValue.I32(1), AlgebraicValue.I32(-2))),
        AlgebraicValue.Product(AlgebraicValue.I32(3), AlgebraicValue.I32(4)),
        AlgebraicValue.Array(AlgebraicValue.String("a"), AlgebraicValue.String("b")),
        AlgebraicValue.Bytes([0xde, 0xad]),
        Uuid.FromGuid(Guid.Parse("01234567-89ab-cdef-0123-456789abcdef")).ToValue(),
        AlgebraicValue.OptionNone));

    private static SqliteConnection Read(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false,
        }.ToString());
        connection.Open();
        return connection;
    }

    private static List<object?[]> Query(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    private string[] Leftovers() => Directory.EnumerateFileSystemEntries(_dir).Select(Path.GetFileName).Where(n => n != "m.sqlite").ToArray()!;

    [Fact]
    public void Columns_are_typed_and_values_mapped_as_the_seed_maps_them()
    {
        var path = Path.Combine(_dir, "m.sqlite");
        using (var file = new SqliteMirrorFile(path, [new MirrorTable(Every)]))
            file.Rebuild([[EveryValue(1, true, 7), EveryValue(2, false, null)]]);

        using var db = Read(path);
        var declared = Query(db, "SELECT name, type, \"notnull\", pk FROM pragma_table_info('every') ORDER BY cid")
            .Select(r => $"{r[0]} {r[1]}{((long)r[2]! == 1 ? " NOT NULL" : "")}{((long)r[3]! == 1 ? " PK" : "")}").ToArray();
        Assert.Equal(
            [
                "id INTEGER NOT NULL PK", "flag INTEGER NOT NULL", "small INTEGER NOT NULL", "big INTEGER NOT NULL", "huge TEXT NOT NULL",
                "ratio REAL", "score REAL", "name TEXT NOT NULL", "owner TEXT NOT NULL", "at TEXT NOT NULL", "took INTEGER NOT NULL",
                "maybe INTEGER", "color TEXT NOT NULL", "shape TEXT NOT NULL", "where TEXT NOT NULL", "words TEXT NOT NULL",
                "blob BLOB NOT NULL", "key TEXT NOT NULL", "maybe_point TEXT",
            ],
            declared);

        var rows = Query(db, "SELECT * FROM every ORDER BY id");
        Assert.Equal(2, rows.Count);
        var r = rows[0];
        Assert.Equal(1L, r[0]);
        Assert.Equal(1L, r[1]);                 // booleans as 0/1
        Assert.Equal(0L, rows[1][1]);
        Assert.Equal(-5L, r[2]);
        Assert.Equal(18446744073709551615d, Convert.ToDouble(r[3], System.Globalization.CultureInfo.InvariantCulture)); // u64 above 2^63-1: REAL, rounded
        Assert.Equal("340282366920938463463374607431768211455", r[4]);
        Assert.Equal(0.1, r[5]);
        Assert.Equal(2.5, r[6]);
        Assert.Equal("it's \"quoted\"", r[7]);
        Assert.Equal(new Identity(new Meridian.Sats.Numerics.UInt256(0, 0xabc)).ToHexString(), r[8]);
        Assert.Equal("2023-11-14T22:13:20.123456+00:00", r[9]);
        Assert.Equal(1_500_000L, r[10]);
        Assert.Equal(7L, r[11]);
        Assert.Null(rows[1][11]);              // none as NULL
        Assert.Equal("DeepBlue", r[12]);        // a plain enum as its variant's name
        Assert.Equal("{\"Dot\":{\"x\":1,\"y\":-2}}", r[13]);
        Assert.Equal("{\"x\":3,\"y\":4}", r[14]);   // products as JSON objects
        Assert.Equal("[\"a\",\"b\"]", r[15]);       // arrays as JSON arrays
        Assert.Equal(new byte[] { 0xde, 0xad }, r[16]);
        Assert.Equal("01234567-89ab-cdef-0123-456789abcdef", r[17]);
        Assert.Null(r[18]);

        // The JSON is SQLite's JSON: json_extract reads into it.
        Assert.Equal(-2L, Query(db, "SELECT json_extract(shape, '$.Dot.y') FROM every WHERE id = 1")[0][0]);
        Assert.Equal("b", Query(db, "SELECT json_extract(words, '$[1]') FROM every WHERE id = 1")[0][0]);
        Assert.Equal(2L, Query(db, "SELECT count(*) FROM every WHERE at < '2024-01-01'")[0][0]);
        Assert.Empty(Leftovers());
    }

    [Fact]
    public async Task A_reader_never_sees_a_partial_file_while_rebuilds_replace_it()
    {
        var a = new TableSchema("a", AlgebraicType.Product(("id", AlgebraicType.U32), ("text", AlgebraicType.String)), Typespace.Empty, 0, true, false, false);
        var b = new TableSchema("b", AlgebraicType.Product(("n", AlgebraicType.U32)), Typespace.Empty, null, true, false, false);
        IReadOnlyList<DynamicRow> RowsA(int n) => Enumerable.Range(0, n)
            .Select(i => new DynamicRow(a, AlgebraicValue.Product(AlgebraicValue.U32((uint)i), AlgebraicValue.String(new string('x', 50))))).ToArray();
        IReadOnlyList<DynamicRow> RowsB(int n) => Enumerable.Range(0, n)
            .Select(i => new DynamicRow(b, AlgebraicValue.Product(AlgebraicValue.U32((uint)n)))).ToArray();
        int[] sizes = [40, 700];
        var path = Path.Combine(_dir, "m.sqlite");
        using var file = new SqliteMirrorFile(path, [new MirrorTable(a), new MirrorTable(b)]);
        file.Rebuild([RowsA(sizes[0]), RowsB(sizes[0])]);

        var reads = 0;
        var seen = new HashSet<long>();
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        var reader = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var db = Read(path);
                    var counts = Query(db, "SELECT (SELECT count(*) FROM a), (SELECT count(*) FROM b), (SELECT coalesce(min(n), 0) FROM b), "
                        + "(SELECT coalesce(sum(id), 0) FROM a)")[0];
                    var n = (long)counts[0]!;
                    // One file, one generation: both tables have the same size, and it is a size the writer wrote.
                    if (!sizes.Contains((int)n) || (long)counts[1]! != n || (long)counts[2]! != n || (long)counts[3]! != n * (n - 1) / 2)
                        failures.Enqueue($"inconsistent read: {string.Join(", ", counts)}");
                    lock (seen)
                        seen.Add(n);
                    Interlocked.Increment(ref reads);
                }
                catch (SqliteException e)
                {
                    failures.Enqueue(e.Message);
                }
            }
        });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var rebuilds = 0;
        bool SeenBoth()
        {
            lock (seen)
                return seen.Count == 2;
        }
        while ((rebuilds < 40 || Volatile.Read(ref reads) < 100 || !SeenBoth()) && clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            var n = sizes[++rebuilds % 2];
            file.Rebuild([RowsA(n), RowsB(n)]);
        }
        await stop.CancelAsync();
        await reader;

        Assert.Empty(failures);
        Assert.True(reads >= 100 && rebuilds >= 40, $"{reads} reads during {rebuilds} rebuilds");
        Assert.Equal(2, seen.Count);
        Assert.Empty(Leftovers());
    }

    [Fact]
    public void Incremental_batches_insert_and_delete_rows_with_and_without_a_primary_key()
    {
        var keyless = new TableSchema(
            "note",
            AlgebraicType.Product(("text", AlgebraicType.String), ("weight", AlgebraicType.F64), ("tag", AlgebraicType.Option(AlgebraicType.String))),
            Typespace.Empty, null, true, false, false);
        DynamicRow Note(string text, double weight, string? tag) => new(keyless, AlgebraicValue.Product(
            AlgebraicValue.String(text),
            AlgebraicValue.F64(weight),
            tag is null ? AlgebraicValue.OptionNone : AlgebraicValue.OptionSome(AlgebraicValue.String(tag))));
        var notes = new MirrorTable(keyless);
        var every = new MirrorTable(Every);
        var path = Path.Combine(_dir, "m.sqlite");
        using var file = new SqliteMirrorFile(path, [notes, every]);
        file.Rebuild([[Note("a", 1, null)], []]);

        file.Apply(
        [
            new MirrorChange(notes, Note("b", 0.5, "x"), true),
            new MirrorChange(notes, Note("c", double.NaN, null), true),
            new MirrorChange(every, EveryValue(1, true, 1), true),
            new MirrorChange(every, EveryValue(2, true, 2), true),
        ]);
        file.Apply(
        [
            new MirrorChange(notes, Note("a", 1, null), false),
            new MirrorChange(notes, Note("c", double.NaN, null), false),
            new MirrorChange(every, EveryValue(1, true, 1), false),
            new MirrorChange(every, EveryValue(1, false, 10), true),
        ]);
        Assert.Empty(Leftovers()); // the rollback journal lives only while a batch is written

        using (var db = Read(path))
        {
            Assert.Equal(["b 0.5 x"], Query(db, "SELECT text, weight, tag FROM note").Select(r => $"{r[0]} {r[1]} {r[2]}"));
            Assert.Equal(["1 0 10", "2 1 2"], Query(db, "SELECT id, flag, maybe FROM every ORDER BY id").Select(r => $"{r[0]} {r[1]} {r[2]}"));
        }

        // A delete of a row the file does not hold is a bug to report, and the batch leaves the file as it was.
        var error = Assert.Throws<InvalidOperationException>(() => file.Apply(
            [new MirrorChange(notes, Note("b", 0.5, "x"), false), new MirrorChange(notes, Note("zzz", 0, null), false)]));
        Assert.Contains("did not hold the row", error.Message);
        file.CloseLive();
        using (var db = Read(path))
            Assert.Equal(1L, Query(db, "SELECT count(*) FROM note")[0][0]);
        Assert.Empty(Leftovers());
    }

    [Fact]
    public void Debounce_waits_for_a_quiet_spell_but_not_longer_than_the_maximum_delay()
    {
        // The seed's 500 ms is the default; a steady stream is written at the latest every 5 s.
        var defaults = new SqliteMirrorOptions { Path = "x.sqlite" };
        Assert.Equal((TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(5)), (defaults.Debounce, defaults.MaxDelay));
        var clock = new ManualClock();
        var debounce = new MirrorDebounce(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2), clock);
        Assert.Null(debounce.DueIn());

        debounce.Touch();
        Assert.Equal(TimeSpan.FromMilliseconds(500), debounce.DueIn());
        clock.Advance(TimeSpan.FromMilliseconds(400));
        debounce.Touch(); // another change: the quiet spell starts again
        Assert.Equal(TimeSpan.FromMilliseconds(500), debounce.DueIn());
        clock.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(TimeSpan.Zero, debounce.DueIn());
        debounce.Clear();
        Assert.Null(debounce.DueIn());

        // Changes every 300 ms never leave 500 ms of quiet: the write is due 2 s after the first.
        debounce.Touch();
        for (var i = 0; i < 6; i++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(300));
            debounce.Touch();
        }
        Assert.Equal(TimeSpan.FromMilliseconds(200), debounce.DueIn());
    }

    private sealed class ManualClock : TimeProvider
    {
        private long _ticks = 1_000;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
