using Meridian.Runtime;
using Meridian.Runtime.Hosting;
using Meridian.Sats;
using Meridian.Sats.Bsatn;

// Usage: Meridian.Runtime.CrashHost <data dir> <v1 module> <v2 module> <point> <promise file>
// Publishes database "game" with the v1 module, adds two players, makes them durable, then publishes
// the v2 module and stops dead at <point> of that update: "in-migration" (inside the migration's
// transaction, before it commits) or "after-commit" (the migration is durable, module.dll not yet
// replaced). There it appends the point's name to the promise file and waits to be killed with SIGKILL.
var (dir, v1, v2, point, promiseFile) = (args[0], args[1], args[2], args[3], args[4]);
using var promises = new StreamWriter(new FileStream(promiseFile, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
var owner = Identity.FromClaims("localhost", "owner");
var registry = new DatabaseRegistry(dir);
var db = (await registry.PublishAsync("game", File.ReadAllBytes(v1), owner, clear: false)).Database;
foreach (var (name, level) in new[] { ("ann", 3u), ("bob", 5u) })
{
    var w = new BsatnWriter();
    w.WriteString(name);
    w.WriteU32(level);
    w.WriteString(name + "@example.com");
    var result = await db.CallReducerAsync("add_player", w.ToArray(), owner, ConnectionId.Random());
    if (result.Error is not null)
        throw new InvalidOperationException(result.Error);
}
db.Store.Flush();

void Stop()
{
    promises.WriteLine(point);
    Thread.Sleep(Timeout.Infinite);
}

switch (point)
{
    case "in-migration":
        db.MigrationFaultHook = _ => Stop();
        break;
    case "after-commit":
        registry.UpdateCommittedHook = _ => Stop();
        break;
    default:
        throw new ArgumentException($"unknown point '{point}'");
}
await registry.PublishAsync("game", File.ReadAllBytes(v2), owner, clear: false);
promises.WriteLine("published");
