using Meridian.Cli;

return await CliApp.RunAsync(args, CliEnvironment.FromProcess());
