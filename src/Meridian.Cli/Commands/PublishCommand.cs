using System.CommandLine;
using System.Globalization;
using Meridian.Cli.Build;
using Meridian.Cli.Output;
using Meridian.Client.Http;

namespace Meridian.Cli.Commands;

/// <summary>
/// <c>meridian publish [-p DIR] [-s SERVER] [--yes] [--delete-data] [--dry-run] [--break-clients] NAME</c>:
/// compiles the module in DIR, shows the migration plan when NAME exists (asking before a step that
/// disconnects clients or deletes a table), and publishes it with <c>PUT /v1/database/NAME</c>. The module
/// goes up once: with the plan request when there is one (the server keeps it, and the publish names it by
/// its hash), else with the publish.
/// </summary>
internal static class PublishCommand
{
    public static Command Create(CliContext context)
    {
        var projectPath = new Option<string>("--project-path", "-p")
        {
            Description = "The module's directory: its *.cs files are compiled (honouring its csproj's Compile items)",
            HelpName = "DIR",
            DefaultValueFactory = _ => ".",
        };
        var binPath = new Option<string?>("--bin-path", "-b")
        {
            Description = "Publish this already compiled module assembly instead of compiling DIR",
            HelpName = "DLL",
        };
        var server = CommonOptions.Server();
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask for confirmation" };
        var deleteData = new Option<bool>("--delete-data") { Description = "Delete the database's data and start afresh with this module" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the migration plan and publish nothing" };
        var breakClients = new Option<bool>("--break-clients")
        {
            Description = "Accept a migration that disconnects every client (for example removing an empty table)",
        };
        var name = new Argument<string>("NAME") { Description = "The database's name (or identity, to update it)" };
        var command = new Command("publish", "Compiles a module and publishes it to a database, creating or updating it")
        {
            projectPath, binPath, server, yes, deleteData, dryRun, breakClients, name,
        };
        command.SetAction((parse, ct) => context.RunAsync(token => RunAsync(
            context,
            parse.GetValue(projectPath)!,
            parse.GetValue(binPath),
            parse.GetValue(server)!,
            parse.GetValue(yes),
            parse.GetValue(deleteData),
            new PlanFlags(parse.GetValue(dryRun), parse.GetValue(breakClients)),
            parse.GetValue(name)!,
            token), ct));
        return command;
    }

    private static async Task<int> RunAsync(
        CliContext context,
        string directory,
        string? binPath,
        string server,
        bool yes,
        bool deleteData,
        PlanFlags flags,
        string name,
        CancellationToken cancellationToken)
    {
        if (name.Trim().Length == 0)
            throw new CliException("the database name is empty.");
        if (deleteData && !yes && !flags.DryRun && !Confirm(context, $"This deletes all data of database '{name}' before publishing. Continue? [y/N] "))
        {
            await context.Error.WriteLineAsync("Publish cancelled; nothing changed.");
            return 1;
        }

        var bytes = binPath is null ? await CompileAsync(context, directory, cancellationToken) : await ReadAssemblyAsync(binPath, cancellationToken);

        using var client = context.Connect(server);
        var api = await client.ApiAsync(cancellationToken);
        var options = new PublishOptions { ClearData = deleteData };
        await context.Error.WriteLineAsync($"Uploading {ProgressReporter.Bytes(bytes.Length)} to {client.Server}…");
        if (!deleteData || flags.DryRun)
        {
            // The plan's upload is the only one: the server keeps the module for the publish that follows.
            MigrationPlan? plan;
            using (var planning = context.Progress("The server is working out the migration plan"))
            {
                plan = await api.PlanPublishAsync(name, bytes, planning, cancellationToken);
                planning.Finish();
            }
            if (plan is null)
            {
                if (flags.DryRun)
                {
                    await context.Out.WriteLineAsync($"Database '{name}' does not exist: publishing creates it with this module and runs its init reducer.");
                    return 0;
                }
            }
            else
            {
                await context.Out.WriteAsync(deleteData
                    ? $"With --delete-data every table is deleted and init runs again; without it:\n{plan.Text}"
                    : plan.Text);
                if (flags.DryRun)
                    return plan.Automatic ? 0 : 1;
                if (!plan.Automatic)
                    throw new CliException("the update cannot be applied automatically (see the plan above); nothing was published.");
                if (plan.BreakClients && !flags.BreakClients)
                    throw new CliException("the plan disconnects every connected client; publish with --break-clients to accept. Nothing was published.");
                if (plan.NeedsConfirmation && !yes)
                {
                    if (!context.Environment.IsInteractive)
                        throw new CliException("the plan needs confirmation and there is no terminal to ask; pass --yes to accept. Nothing was published.");
                    if (!Confirm(context, "Apply this migration? [y/N] "))
                    {
                        await context.Error.WriteLineAsync("Publish cancelled; nothing changed.");
                        return 1;
                    }
                }
                if (plan.BreakClients)
                    options.BreakClientsToken = plan.Token;
            }
        }
        using var progress = context.Progress("The server is loading the module");
        options.Progress = progress;
        var published = await api.PublishAsync(name, bytes, options, cancellationToken);
        progress.Finish();
        await context.Out.WriteLineAsync($"Published database {name} (identity {published.DatabaseIdentity}), {(published.Created ? "created" : "updated")}");
        return 0;
    }

    internal static async Task<byte[]> CompileAsync(CliContext context, string directory, CancellationToken cancellationToken)
    {
        await context.Error.WriteLineAsync($"Compiling module in {directory}…");
        var compiler = new ModuleCompiler(context.Environment.ToolsDirectory, context.Environment.BuildRoot, context.Environment.DotnetPath);
        var build = await compiler.CompileAsync(directory, context.Error, cancellationToken);
        if (!build.Succeeded)
        {
            foreach (var error in build.Errors)
                await context.Error.WriteLineAsync(error);
            throw new CliException($"the module in {directory} does not compile ({Plural(build.Errors.Count, "error")}); nothing was published.");
        }
        var bytes = await File.ReadAllBytesAsync(build.AssemblyPath!, cancellationToken);
        await context.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Compiled {Path.GetFileName(build.AssemblyPath)} ({bytes.Length / 1024.0:0.0} KiB) in {build.Elapsed.TotalSeconds:0.0} s."));
        return bytes;
    }

    internal static async Task<byte[]> ReadAssemblyAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
            throw new CliException($"there is no file {path}.");
        return await File.ReadAllBytesAsync(path, cancellationToken);
    }

    private static bool Confirm(CliContext context, string question)
    {
        // Without a terminal there is nobody to ask.
        if (!context.Environment.IsInteractive)
            return true;
        context.Error.Write(question);
        context.Error.Flush();
        var answer = context.Environment.In.ReadLine();
        return answer?.Trim().ToLowerInvariant() is "y" or "yes";
    }

    private readonly record struct PlanFlags(bool DryRun, bool BreakClients);

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";
}
