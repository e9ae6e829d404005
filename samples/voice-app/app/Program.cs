using System.Globalization;
using VoiceApp;
using VoiceApp.DataLayer;
using VoiceApp.Import;

// A console standing in for heycat's window: the commands the React frontend would invoke, typed in, and the events
// the backend would emit, printed. `voice-app --help` lists the options.
var mode = HostingMode.Sidecar;
var appDir = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "heycat");
string? legacy = null;
string? listen = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--embedded":
            mode = HostingMode.Embedded;
            break;
        case "--sidecar":
            mode = HostingMode.Sidecar;
            break;
        case "--app-dir" when i + 1 < args.Length:
            appDir = args[++i];
            break;
        case "--listen" when i + 1 < args.Length:
            listen = args[++i];
            break;
        case "--import-from" when i + 1 < args.Length:
            legacy = args[++i];
            break;
        default:
            Console.WriteLine("""
                usage: voice-app [--sidecar | --embedded [--listen HOST:PORT]] [--app-dir DIR] [--import-from DIR]
                  --sidecar        run the database as a child process, `meridian start` (the default)
                  --embedded       run the database inside this process, with no network listener
                  --listen HOST:PORT  embedded mode: also serve HTTP/WebSocket there (127.0.0.1:0 picks a port), for `meridian sql -s`
                  --app-dir DIR    the app's data (default ~/.local/share/heycat)
                  --import-from DIR  import heycat's old files (settings.json, dictionary.json, voice_commands.json, recordings/) once
                """);
            return args[i] is "--help" or "-h" ? 0 : 2;
    }
}

if (listen is not null && mode != HostingMode.Embedded)
{
    Console.Error.WriteLine("--listen is for --embedded: the sidecar always listens on a loopback port of its own.");
    return 2;
}

Console.WriteLine($"Starting heycat's data layer ({mode}) in {appDir} ...");
await using var data = await HeycatDataLayer.StartAsync(
    new AppOptions { AppDirectory = appDir, Mode = mode, LegacyDirectory = legacy, EmbeddedListenAddress = listen });
data.NoticeRaised += notice => Console.WriteLine($"\n  ! {notice}");
data.Changed += change => Console.WriteLine($"\n  ~ {change.Table}: {change.Kind} ({change.Origin}) {change.Row}");
if (data.Host is VoiceApp.Hosting.EmbeddedHost { Server: { IsListening: true } embedded })
    Console.WriteLine($"The embedded server also listens on {embedded.BaseAddress} (meridian sql -s {embedded.BaseAddress} heycat-data \"...\").");
foreach (var notice in data.Notices)
    Console.WriteLine($"  ! {notice}");
Console.WriteLine($"{data.StatusLine}. Type 'help' for the commands.");
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

while (!stop.IsCancellationRequested)
{
    Console.Write("heycat> ");
    var line = await Console.In.ReadLineAsync(stop.Token).ConfigureAwait(false);
    if (line is null)
        break;
    var words = line.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    if (words.Length == 0)
        continue;
    try
    {
        switch (words[0])
        {
            case "quit" or "exit":
                return 0;
            case "status":
                Console.WriteLine(data.StatusLine);
                var storage = data.GetStorageStatus();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"storage: {storage.UsedBytes:N0} of {storage.QuotaBytes:N0} bytes ({storage.Fraction * 100:0.0}%)"));
                break;
            case "retry":
                await data.RetryAsync(stop.Token);
                Console.WriteLine(data.StatusLine);
                break;
            case "recordings":
                foreach (var r in data.ListRecordings())
                {
                    Console.WriteLine($"{r.Recording.Id,4}  {r.Recording.CreatedAt}  {r.Recording.DurationMs,7} ms  {r.Recording.FilePath}");
                    foreach (var t in r.Transcriptions)
                        Console.WriteLine($"        [{t.Model}] {t.Text}");
                }
                break;
            case "record" when words.Length >= 2:
                // Stands in for the microphone: a silent WAV of N seconds in the app's recordings folder.
                var seconds = double.Parse(words[1], CultureInfo.InvariantCulture);
                var dir = Directory.CreateDirectory(Path.Combine(appDir, "recordings")).FullName;
                var wav = Path.Combine(dir, $"recording-{DateTime.UtcNow:yyyyMMdd-HHmmss-fff}.wav");
                WavInfo.WriteSilence(wav, 16_000, (ulong)(seconds * 1000));
                Console.WriteLine(await data.SaveRecordingAsync(wav, stop.Token));
                break;
            case "transcribe" when words.Length == 3:
                Console.WriteLine(await data.AddTranscriptionAsync(ulong.Parse(words[1], CultureInfo.InvariantCulture), words[2], "console", stop.Token));
                break;
            case "delete" when words.Length == 2:
                Console.WriteLine(await data.DeleteRecordingAsync(ulong.Parse(words[1], CultureInfo.InvariantCulture), stop.Token));
                break;
            case "free" when words.Length == 2:
                Console.WriteLine(await data.DeleteOldestRecordingsAsync(ulong.Parse(words[1], CultureInfo.InvariantCulture), stop.Token));
                break;
            case "limit" when words.Length == 2:
                Console.WriteLine(await data.SetStorageLimitAsync(ulong.Parse(words[1], CultureInfo.InvariantCulture), stop.Token));
                break;
            case "dict" when words.Length == 1:
                foreach (var e in data.ListDictionary())
                    Console.WriteLine($"{e.Id,4}  {e.Trigger} -> {e.Replacement}{e.Suffix}{(e.AutoEnter ? " [enter]" : "")}{(e.Enabled ? "" : " (off)")}");
                break;
            case "dict" when words.Length == 3:
                var parts = words[2].Split('=', 2, StringSplitOptions.TrimEntries);
                Console.WriteLine(words[1] == "add" && parts.Length == 2
                    ? await data.AddDictionaryEntryAsync(parts[0], parts[1], cancellationToken: stop.Token)
                    : "usage: dict add TRIGGER = REPLACEMENT");
                break;
            case "settings":
                foreach (var (key, value) in data.GetSettings().OrderBy(s => s.Key, StringComparer.Ordinal))
                    Console.WriteLine($"{key} = {value}");
                break;
            case "set" when words.Length == 3:
                Console.WriteLine(await data.SetSettingAsync(words[1], words[2], stop.Token));
                break;
            case "commands":
                foreach (var c in data.ListVoiceCommands())
                    Console.WriteLine($"{c.Id,4}  \"{c.Phrase}\" -> {c.ActionType} {c.ActionPayload}{(c.Enabled ? "" : " (off)")}");
                break;
            case "notices":
                foreach (var notice in data.Notices)
                    Console.WriteLine(notice);
                break;
            default:
                Console.WriteLine("""
                    status | retry | notices | quit
                    recordings | record SECONDS | transcribe ID TEXT | delete ID | free BYTES | limit BYTES
                    dict | dict add TRIGGER = REPLACEMENT | settings | set KEY JSON | commands
                    """);
                break;
        }
    }
    catch (Exception e) when (e is InvalidOperationException or FormatException or OverflowException or IOException)
    {
        Console.WriteLine($"error: {e.Message}");
    }
}
return 0;
