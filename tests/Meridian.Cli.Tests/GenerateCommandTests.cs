using Meridian.Cli.Commands;
using Meridian.Server;

namespace Meridian.Cli.Tests;

/// <summary><c>meridian generate</c> from a compiled module, a JSON definition and a database on a real server.</summary>
public sealed class GenerateCommandTests : IDisposable
{
    private readonly CliRun _cli = new();
    private readonly string _root = Directory.CreateTempSubdirectory("meridian-generate-").FullName;

    public void Dispose()
    {
        _cli.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private string Out(string name = "bindings") => Path.Combine(_root, name);

    private static string[] Files(string directory) =>
        Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(directory, p).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToArray();

    [Fact]
    public async Task Generates_the_typescript_bindings_of_a_compiled_module()
    {
        var result = await _cli.RunAsync("generate", "--lang", "typescript", "--out-dir", Out(), "-b", RealServerTests.ChatAssembly());

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal($"Generated 8 TypeScript files in {Out()} (8 written, 0 unchanged).\n", result.Out);
        Assert.Equal(
            [
                "index.ts", "message_table.ts", "send_message_reducer.ts", "set_name_reducer.ts", "types.ts", "types/procedures.ts", "types/reducers.ts",
                "user_table.ts",
            ],
            Files(Out()));
        var user = await File.ReadAllTextAsync(Path.Combine(Out(), "user_table.ts"));
        Assert.StartsWith(GenerateCommand.GeneratedPrefix, user, StringComparison.Ordinal);
        Assert.Contains("  identity: __t.identity().primaryKey(),\n  name: __t.option(__t.string()),\n  online: __t.bool(),\n", user, StringComparison.Ordinal);
        var index = await File.ReadAllTextAsync(Path.Combine(Out(), "index.ts"));
        Assert.Contains("__reducerSchema('send_message', SendMessageReducer)", index, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generates_the_csharp_bindings_of_a_compiled_module_in_the_namespace_asked_for()
    {
        var result = await _cli.RunAsync("generate", "--lang", "cs", "--out-dir", Out(), "-b", RealServerTests.ChatAssembly(), "--namespace", "Chat.Bindings");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal($"Generated 7 C# files in {Out()} (7 written, 0 unchanged).\n", result.Out);
        Assert.Equal(
            [
                "Reducers/SendMessage.g.cs", "Reducers/SetName.g.cs", "SpacetimeDBClient.g.cs", "Tables/Message.g.cs", "Tables/User.g.cs",
                "Types/Message.g.cs", "Types/User.g.cs",
            ],
            Files(Out()));
        var user = await File.ReadAllTextAsync(Path.Combine(Out(), "Tables", "User.g.cs"));
        Assert.StartsWith(GenerateCommand.GeneratedPrefix, user, StringComparison.Ordinal);
        Assert.Contains("namespace Chat.Bindings\n", user, StringComparison.Ordinal);
        Assert.Contains("public readonly IdentityUniqueIndex Identity;", user, StringComparison.Ordinal);

        var bad = await _cli.RunAsync("generate", "--lang", "csharp", "--out-dir", Out("bad"), "-b", RealServerTests.ChatAssembly(), "--namespace", "1up");
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("'1up' is not a C# namespace", bad.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Out("bad")));
    }

    [Fact]
    public async Task Unchanged_files_are_not_rewritten_and_files_no_longer_generated_are_removed()
    {
        Assert.Equal(0, (await _cli.RunAsync("generate", "--lang", "ts", "--out-dir", Out(), "-b", RealServerTests.ChatAssembly())).ExitCode);
        var index = Path.Combine(Out(), "index.ts");
        var stamp = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(index, stamp);
        // A table the module no longer has, and a file of the application's own.
        await File.WriteAllTextAsync(Path.Combine(Out(), "old_table.ts"), GenerateCommand.GeneratedPrefix + ". Do not edit.\nexport default 1;\n");
        await File.WriteAllTextAsync(Path.Combine(Out(), "mine.ts"), "export const mine = 1;\n");

        var again = await _cli.RunAsync("generate", "--lang", "ts", "--out-dir", Out(), "-b", RealServerTests.ChatAssembly(), "--yes");

        Assert.True(again.ExitCode == 0, again.Error);
        Assert.Equal($"Generated 8 TypeScript files in {Out()} (0 written, 8 unchanged, 1 removed).\n", again.Out);
        Assert.Contains("No longer generated: old_table.ts", again.Error, StringComparison.Ordinal);
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(index));
        Assert.False(File.Exists(Path.Combine(Out(), "old_table.ts")));
        Assert.True(File.Exists(Path.Combine(Out(), "mine.ts")));
    }

    /// <summary>Generates the chat bindings into <see cref="Out"/>, then adds a generated file of a table gone since and a file of the app's own.</summary>
    private async Task<string> BindingsWithAStaleFileAsync()
    {
        Assert.Equal(0, (await _cli.RunAsync("generate", "--lang", "ts", "--out-dir", Out(), "-b", RealServerTests.ChatAssembly())).ExitCode);
        await File.WriteAllTextAsync(Path.Combine(Out(), "old_table.ts"), GenerateCommand.GeneratedPrefix + ". Do not edit.\nexport default 1;\n");
        await File.WriteAllTextAsync(Path.Combine(Out(), "mine.ts"), "export const mine = 1;\n");
        // A changed generated file shows whether a run wrote anything.
        var user = Path.Combine(Out(), "user_table.ts");
        await File.WriteAllTextAsync(user, GenerateCommand.GeneratedPrefix + " (edited)\n");
        return user;
    }

    [Fact]
    public async Task At_a_terminal_files_no_longer_generated_are_removed_when_the_answer_is_yes()
    {
        var user = await BindingsWithAStaleFileAsync();
        _cli.Interactive = true;
        _cli.Input = "y\n";

        var result = await _cli.RunAsync("generate", "--lang", "ts", "--out-dir", Out(), "-b", RealServerTests.ChatAssembly());

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal("No longer generated: old_table.ts\nRemove this file? [y/N] ", result.Error);
        Assert.Equal($"Generated 8 TypeScript files in {Out()} (1 written, 7 unchanged, 1 removed).\n", result.Out);
        Assert.False(File.Exists(Path.Combine(Out(), "old_table.ts")));
        Assert.True(File.Exists(Path.Combine(Out(), "mine.ts")));
        Assert.StartsWith("// THIS FILE IS GENERATED BY MERIDIAN. Do not edit", await File.ReadAllTextAsync(user), StringComparison.Ordinal);
    }

    [Fact]
    public async Task At_a_terminal_files_no_longer_generated_are_kept_when_the_answer_is_no_or_missing()
    {
        await BindingsWithAStaleFileAsync();
        _cli.Interactive = true;
        foreach (var answer in new[] { "n\n", "" })
        {
            _cli.Input = answer;

            var result = await _cli.RunAsync("generate", "--lang", "ts", "--out-dir", Out(), "-b", RealServerTests.ChatAssembly());

            Assert.True(result.ExitCode == 0, result.Error);
            Assert.Equal("No longer generated: old_table.ts\nRemove this file? [y/N] Kept them; pass --yes to remove them.\n", result.Error);
            Assert.Contains(" unchanged).\n", result.Out, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(Out(), "old_table.ts")));
        }
    }

    [Fact]
    public async Task Without_a_terminal_or_yes_files_no_longer_generated_are_refused_and_nothing_is_written()
    {
        var user = await BindingsWithAStaleFileAsync();
        var edited = await File.ReadAllTextAsync(user);

        var refused = await _cli.RunAsync("generate", "--lang", "ts", "--out-dir", Out(), "-b", RealServerTests.ChatAssembly());

        Assert.Equal(1, refused.ExitCode);
        Assert.Equal(
            "No longer generated: old_table.ts\n"
                + $"error: 1 file in {Out()} is no longer generated and there is no terminal to ask whether to remove them; nothing was written.\n"
                + "hint: Pass --yes to remove them, or run generate at a terminal to be asked.\n",
            refused.Error);
        Assert.Equal("", refused.Out);
        Assert.True(File.Exists(Path.Combine(Out(), "old_table.ts")));
        Assert.Equal(edited, await File.ReadAllTextAsync(user));

        var accepted = await _cli.RunAsync("generate", "--lang", "ts", "--out-dir", Out(), "-b", RealServerTests.ChatAssembly(), "--yes");
        Assert.True(accepted.ExitCode == 0, accepted.Error);
        Assert.Equal($"Generated 8 TypeScript files in {Out()} (1 written, 7 unchanged, 1 removed).\n", accepted.Out);
        Assert.False(File.Exists(Path.Combine(Out(), "old_table.ts")));
        Assert.True(File.Exists(Path.Combine(Out(), "mine.ts")));
    }

    [Fact]
    public async Task A_database_on_a_server_and_its_saved_definition_give_the_same_files_as_the_module()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("meridian-generate-server-").FullName;
        try
        {
            await using var server = await MeridianServer.StartAsync(
                new MeridianServerOptions { ListenAddress = "127.0.0.1:0", DataDirectory = dataDirectory });
            var url = server.BaseAddress.ToString().TrimEnd('/');
            Assert.Equal(0, (await _cli.RunAsync("publish", "-s", url, "-b", RealServerTests.ChatAssembly(), "chat")).ExitCode);

            var fromModule = await _cli.RunAsync("generate", "--lang", "ts", "--out-dir", Out("module"), "-b", RealServerTests.ChatAssembly());
            var fromServer = await _cli.RunAsync("generate", "--lang", "ts", "--out-dir", Out("server"), "-s", url, "chat");
            Assert.True(fromServer.ExitCode == 0, fromServer.Error);

            using var http = new HttpClient();
            var json = await http.GetStringAsync(new Uri($"{url}/v1/database/chat/schema?version=10"));
            var file = Path.Combine(_root, "chat.json");
            await File.WriteAllTextAsync(file, json);
            var fromFile = await _cli.RunAsync("generate", "--lang", "ts", "--out-dir", Out("file"), "--module-def", file);
            Assert.True(fromFile.ExitCode == 0, fromFile.Error);

            Assert.Equal(0, fromModule.ExitCode);
            foreach (var name in Files(Out("module")))
            {
                var expected = await File.ReadAllTextAsync(Path.Combine(Out("module"), name));
                Assert.Equal(expected, await File.ReadAllTextAsync(Path.Combine(Out("server"), name)));
                Assert.Equal(expected, await File.ReadAllTextAsync(Path.Combine(Out("file"), name)));
            }
            Assert.Equal(Files(Out("module")), Files(Out("server")));

            var missing = await _cli.RunAsync("generate", "--lang", "ts", "--out-dir", Out("none"), "-s", url, "no_such_database");
            Assert.Equal(1, missing.ExitCode);
            Assert.StartsWith("error: ", missing.Error, StringComparison.Ordinal);
            Assert.False(Directory.Exists(Out("none")));
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task Bad_input_is_one_error_line_with_a_hint_and_writes_nothing()
    {
        var file = Path.Combine(_root, "bad.json");
        await File.WriteAllTextAsync(file, """{"V10": {"sections": [{"Tables": [{"source_name": 3}]}]}}""");
        var bad = await _cli.RunAsync("generate", "--lang", "ts", "--out-dir", Out(), "--module-def", file);
        Assert.Equal(1, bad.ExitCode);
        Assert.Equal($"error: {file}: The module definition at $.V10.sections[0].Tables[0].source_name should be a string.\n", bad.Error);

        var two = await _cli.RunAsync("generate", "--lang", "ts", "--out-dir", Out(), "--module-def", file, "-b", "x.dll");
        Assert.Equal(1, two.ExitCode);
        Assert.Equal(
            "error: give one source of the module: -p DIR, -b DLL, --module-def FILE or a DATABASE name.\n"
                + "hint: meridian generate --lang ts --out-dir src/module_bindings -p path/to/module\n",
            two.Error);

        var noFile = await _cli.RunAsync("generate", "--lang", "ts", "--out-dir", Out(), "--module-def", Path.Combine(_root, "nope.json"));
        Assert.Equal(1, noFile.ExitCode);
        Assert.StartsWith("error: there is no file ", noFile.Error, StringComparison.Ordinal);

        var noLang = await _cli.RunAsync("generate", "--out-dir", Out(), "-b", RealServerTests.ChatAssembly());
        Assert.NotEqual(0, noLang.ExitCode);
        Assert.Contains("--lang", noLang.Error, StringComparison.Ordinal);

        Assert.False(Directory.Exists(Out()));
    }
}
