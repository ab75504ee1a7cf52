using TheModel.Sync.Worker.Cli;

return await CommandLine.RunAsync(args);
