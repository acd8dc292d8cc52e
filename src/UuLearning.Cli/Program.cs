using UuLearning.Cli;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};
var app = new CliApp(Console.Out, Console.Error, interactive: !Console.IsOutputRedirected);
return await app.RunAsync(args, cancellation.Token);
