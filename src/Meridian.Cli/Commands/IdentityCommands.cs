using System.CommandLine;
using System.Text;
using System.Text.Json;
using Meridian.Cli.Config;
using Meridian.Cli.Output;
using Meridian.Client.Http;
using Meridian.Sats;

namespace Meridian.Cli.Commands;

/// <summary>
/// <c>meridian identity new|list|set-default|token|import</c> and <c>meridian login --token</c>: the
/// identities saved per server in <c>cli.json</c>, and which one commands use.
/// </summary>
internal static class IdentityCommands
{
    public static Command Create(CliContext context)
    {
        var command = new Command("identity", "Manages the identities saved for each server: which one commands use, and their tokens")
        {
            New(context), List(context), SetDefault(context), Token(context), Import(context),
        }.WithExamples(
            "meridian identity new --name alice --default",
            "meridian identity list",
            "meridian identity set-default alice",
            "meridian identity token alice",
            "meridian identity import --name ci eyJhbGciOi...");
        return command;
    }

    /// <summary><c>meridian login [-s SERVER] --token TOKEN</c>: saves a token and uses its identity on that server.</summary>
    public static Command Login(CliContext context)
    {
        var server = CommonOptions.Server();
        var token = new Option<string>("--token")
        {
            Description = "A token the server issued (or an identity provider it trusts); it is checked with the server, then saved and used",
            HelpName = "TOKEN",
            Required = true,
        };
        var name = new Option<string?>("--name") { Description = "A name to pick the identity by later", HelpName = "NAME" };
        var command = new Command("login", "Uses the identity of a token on a server from now on (see also `meridian identity`)")
        {
            server, token, name,
        }.WithExamples(
            "meridian login --token eyJhbGciOi...",
            "meridian login -s https://db.example.com --token \"$MERIDIAN_TOKEN\" --name deploy");
        command.SetAction((parse, ct) => context.RunAsync(async cancel =>
        {
            var saved = await ImportAsync(context, parse.GetValue(server), parse.GetValue(token)!, parse.GetValue(name), use: true, cancel);
            await context.Out.WriteLineAsync($"Logged in to {saved.Server} as {saved.Identity.Identity}.");
            return 0;
        }, ct));
        return command;
    }

    private static Command New(CliContext context)
    {
        var server = CommonOptions.Server();
        var name = new Option<string?>("--name") { Description = "A name to pick the identity by later", HelpName = "NAME" };
        var makeDefault = new Option<bool>("--default", "-d") { Description = "Use the new identity for this server from now on" };
        var command = new Command("new", "Asks the server for a new identity and saves it (used from now on with --default, or when it is the first)")
        {
            server, name, makeDefault,
        }.WithExamples("meridian identity new", "meridian identity new -s https://db.example.com --name alice --default");
        command.SetAction((parse, ct) => context.RunAsync(async cancel =>
        {
            var config = context.LoadConfig();
            using var client = context.Connect(parse.GetValue(server));
            var credentials = await client.CreateIdentityAsync(cancel);
            var use = parse.GetValue(makeDefault) || config.Find(client.Server) is null;
            config.AddIdentity(client.Server, new SavedIdentity(parse.GetValue(name), credentials.Identity ?? "", credentials.Token), use);
            await context.Out.WriteLineAsync($"Created identity {credentials.Identity} on {client.Server}{(use ? "; it is now the one in use" : "")}.");
            return 0;
        }, ct));
        return command;
    }

    private static Command List(CliContext context)
    {
        var server = CommonOptions.Server();
        var command = new Command("list", "Lists the identities saved for a server; * marks the one in use")
        {
            server,
        }.WithExamples("meridian identity list", "meridian identity list -s https://db.example.com");
        command.SetAction((parse, ct) => context.RunAsync(async _ =>
        {
            var config = context.LoadConfig();
            var url = config.ResolveServer(parse.GetValue(server));
            var identities = config.Identities(url);
            await context.Out.WriteLineAsync($"Identities saved for {url}:");
            TextTable.Write(
                context.Out,
                ["in use", "name", "identity"],
                identities.Select(i => (IReadOnlyList<string>)[i.InUse ? "*" : "", i.Identity.Name ?? "", i.Identity.Identity]).ToList(),
                [false, false, false]);
            await context.Out.WriteLineAsync(identities.Count == 1 ? "(1 identity)" : $"({identities.Count} identities)");
            return 0;
        }, ct));
        return command;
    }

    private static Command SetDefault(CliContext context)
    {
        var server = CommonOptions.Server();
        var identity = new Argument<string>("IDENTITY") { Description = "The identity's name, or its hex (a unique prefix will do)" };
        var command = new Command("set-default", "Uses a saved identity for a server from now on")
        {
            server, identity,
        }.WithExamples("meridian identity set-default alice", "meridian identity set-default c200a1b2");
        command.SetAction((parse, ct) => context.RunAsync(async _ =>
        {
            var config = context.LoadConfig();
            var url = config.ResolveServer(parse.GetValue(server));
            var found = Require(config, url, parse.GetValue(identity)!);
            config.AddIdentity(url, found, use: true);
            await context.Out.WriteLineAsync($"Using identity {found.Identity} on {url}.");
            return 0;
        }, ct));
        return command;
    }

    private static Command Token(CliContext context)
    {
        var server = CommonOptions.Server();
        var identity = new Argument<string?>("IDENTITY")
        {
            Description = "The identity's name or hex (default: the one in use)",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var command = new Command("token", "Prints the token of a saved identity (a secret: whoever has it acts as that identity)")
        {
            server, identity,
        }.WithExamples("meridian identity token", "export MERIDIAN_TOKEN=$(meridian identity token alice)");
        command.SetAction((parse, ct) => context.RunAsync(async _ =>
        {
            var config = context.LoadConfig();
            var url = config.ResolveServer(parse.GetValue(server));
            string token;
            if (parse.GetValue(identity) is { } wanted)
                token = Require(config, url, wanted).Token;
            else
                token = config.Find(url)?.Token
                    ?? throw new CliException($"no identity is in use for {url}.", $"meridian identity new -s {url}, or meridian login -s {url} --token TOKEN");
            await context.Out.WriteLineAsync(token);
            return 0;
        }, ct));
        return command;
    }

    private static Command Import(CliContext context)
    {
        var server = CommonOptions.Server();
        var name = new Option<string?>("--name") { Description = "A name to pick the identity by later", HelpName = "NAME" };
        var makeDefault = new Option<bool>("--default", "-d") { Description = "Use the imported identity for this server from now on" };
        var token = new Argument<string>("TOKEN") { Description = "The token; it is checked with the server before it is saved" };
        var command = new Command("import", "Saves the identity of a token for a server (checked with the server first)")
        {
            server, name, makeDefault, token,
        }.WithExamples("meridian identity import --name ci eyJhbGciOi...", "meridian identity import --default \"$MERIDIAN_TOKEN\"");
        command.SetAction((parse, ct) => context.RunAsync(async cancel =>
        {
            var saved = await ImportAsync(
                context, parse.GetValue(server), parse.GetValue(token)!, parse.GetValue(name), parse.GetValue(makeDefault), cancel);
            var inUse = saved.InUse ? "; it is now the one in use" : "";
            await context.Out.WriteLineAsync($"Saved identity {saved.Identity.Identity} for {saved.Server}{inUse}.");
            return 0;
        }, ct));
        return command;
    }

    private static SavedIdentity Require(CliConfig config, string url, string nameOrIdentity) =>
        config.FindIdentity(url, nameOrIdentity)
        ?? throw new CliException($"no identity named or starting with '{nameOrIdentity}' is saved for {url}.", $"meridian identity list -s {url}");

    // Reads the identity out of the token, checks with the server that the token proves it, and saves it.
    private static async Task<(string Server, SavedIdentity Identity, bool InUse)> ImportAsync(
        CliContext context, string? server, string token, string? name, bool use, CancellationToken cancellationToken)
    {
        token = token.Trim();
        var identity = IdentityOf(token);
        var config = context.LoadConfig();
        using var client = context.Connect(server);
        using var withToken = client.WithToken(token);
        bool proves;
        try
        {
            proves = await withToken.VerifyIdentityAsync(identity.ToHexString(), cancellationToken);
        }
        catch (MeridianHttpException e) when (e.Error is not (MeridianHttpError.Unreachable or MeridianHttpError.Timeout))
        {
            throw new CliException(
                $"{client.Server} does not accept this token: {e.ServerMessage ?? e.Message}",
                "Was it issued by this server, or by an identity provider it trusts?");
        }
        if (!proves)
            throw new CliException($"{client.Server} does not accept this token: it does not prove identity {identity.ToHexString()}.");
        use |= config.Find(client.Server) is null;
        var saved = new SavedIdentity(name, identity.ToHexString(), token);
        config.AddIdentity(client.Server, saved, use);
        return (client.Server, saved, use);
    }

    /// <summary>The identity a JWT stands for: its <c>hex_identity</c> claim, else the one derived from <c>iss</c> and <c>sub</c>.</summary>
    internal static Identity IdentityOf(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
            throw new CliException("that is not a token (a JWT has three parts separated by dots).");
        try
        {
            var payload = parts[1].Replace('-', '+').Replace('_', '/');
            payload = payload.PadRight(payload.Length + (4 - payload.Length % 4) % 4, '=');
            using var json = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload)));
            var claims = json.RootElement;
            if (claims.TryGetProperty("hex_identity", out var hex) && hex.ValueKind == JsonValueKind.String
                && Identity.TryParse(hex.GetString()!, out var id))
                return id;
            if (claims.TryGetProperty("iss", out var iss) && claims.TryGetProperty("sub", out var sub)
                && iss.ValueKind == JsonValueKind.String && sub.ValueKind == JsonValueKind.String)
                return Identity.FromClaims(iss.GetString()!, sub.GetString()!);
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException)
        {
            throw new CliException($"that is not a token: its claims cannot be read ({e.Message}).");
        }
        throw new CliException("the token names no identity (it has neither hex_identity nor iss and sub).");
    }
}
