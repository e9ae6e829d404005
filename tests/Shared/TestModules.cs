namespace Meridian.Tests.Shared;

/// <summary>Finds the built test modules (the test projects reference them, so they are built first).</summary>
internal static class TestModules
{
    /// <summary>samples/chat.</summary>
    public static byte[] Chat() => Find(Path.Combine("samples", "chat"), "Chat.dll");

    /// <summary>tests/Modules/Scheduled: scheduled tables.</summary>
    public static byte[] Scheduled() => Find(Path.Combine("tests", "Modules", "Scheduled"), "Scheduled.dll");

    /// <summary>
    /// tests/Modules/MigrateV1, V2, V3, Refused, Manual and ManualMismatch: the migration pairs (a module name such as "MigrateV2");
    /// MigrateE2eV1, V2 and V3 are the TypeScript SDK's (tests/e2e-typescript/src/migration.test.ts).
    /// </summary>
    public static byte[] Migration(string name) => Find(Path.Combine("tests", "Modules", name), name + ".dll");

    /// <summary>tests/Modules/Views: views with and without the sender, primary keys, queries, an aggregate.</summary>
    public static byte[] Views() => Find(Path.Combine("tests", "Modules", "Views"), "Views.dll");


    /// <summary>tests/Modules/Procedures: procedures, WithTx, HTTP, a scheduled procedure.</summary>
    public static byte[] Procedures() => Find(Path.Combine("tests", "Modules", "Procedures"), "Procedures.dll");

    /// <summary>tests/Modules/Everything: every kind of column type.</summary>
    public static byte[] Everything() => Find(Path.Combine("tests", "Modules", "Everything"), "Everything.dll");

    /// <summary>tests/Modules/ModuleApi: HTTP handlers and a router, SenderAuth in reducers, LogStopwatch.</summary>
    public static byte[] ModuleApi() => Find(Path.Combine("tests", "Modules", "ModuleApi"), "ModuleApi.dll");

    /// <summary>tests/Modules/Leaderboard: a table with a primary key and a btree index; insert, update and delete reducers.</summary>
    public static byte[] Leaderboard() => Find(Path.Combine("tests", "Modules", "Leaderboard"), "Leaderboard.dll");

    /// <summary>samples/terminal-academy/module: seed 003's Terminal Academy.</summary>
    public static byte[] TerminalAcademy() => Find(Path.Combine("samples", "terminal-academy", "module"), "TerminalAcademy.dll");

    /// <summary>samples/kanban/module: seed 004's Kanban, as the seed writes it.</summary>
    public static byte[] KanbanSample() => Find(Path.Combine("samples", "kanban", "module"), "KanbanModule.dll");

    /// <summary>tests/Modules/Bank: the benchmarks' accounts, transfer and a reducer that never returns (spin).</summary>
    public static byte[] Bank() => Find(Path.Combine("tests", "Modules", "Bank"), "Bank.dll");

    private static byte[] Find(string projectDirectory, string assembly)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, projectDirectory, "bin");
            if (Directory.Exists(candidate))
            {
                var dll = Directory.EnumerateFiles(candidate, assembly, SearchOption.AllDirectories)
                    .OrderByDescending(File.GetLastWriteTimeUtc)
                    .FirstOrDefault();
                if (dll is not null)
                    return File.ReadAllBytes(dll);
            }
        }
        throw new FileNotFoundException($"{projectDirectory} has not been built (build the solution first).");
    }
}
