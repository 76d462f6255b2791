using System.CommandLine;
using System.Globalization;
using Handshake.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Cli.Demo;

/// <summary>
/// <c>handshake demo [--plugin NAME]</c>: a client and an acceptor over the in-memory transport
/// (no server needed), a transcript of every round with secrets redacted, and the result.
/// </summary>
internal static class DemoCommand
{
    public static Command Create(TextWriter output)
    {
        var plugin = new Option<string?>("--plugin")
        {
            Description = $"The page to run: {string.Join(", ", DemoScenarios.All.Select(s => s.Key))}. Default: {DemoScenarios.Default.Key}.",
        };
        var command = new Command("demo", "Run a client against the embedded acceptor in memory and print the transcript.") { plugin };
        command.SetAction(async (parse, ct) =>
        {
            var key = parse.GetValue(plugin);
            var scenario = key is null ? DemoScenarios.Default : DemoScenarios.Find(key);
            if (scenario is null)
            {
                await output.WriteLineAsync($"error: unknown demo page '{key}'. Pages: {string.Join(", ", DemoScenarios.All.Select(s => s.Key))}.").ConfigureAwait(false);
                return 2;
            }

            return await RunAsync(scenario, output, ct).ConfigureAwait(false);
        });
        return command;
    }

    public static async Task<int> RunAsync(DemoScenario scenario, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(output);
        var services = new ServiceCollection();
        var builder = services.AddHandshake();
        scenario.Register(builder);
        builder.AddAcceptor(o => o.DefaultPlugin = scenario.DefaultPlugin).AddInMemoryCredentialStore(scenario.Users);
        var provider = services.BuildServiceProvider();
        await using var providerScope = provider.ConfigureAwait(false);

        await output.WriteLineAsync($"== {scenario.Title} ({scenario.Key}) ==").ConfigureAwait(false);
        await output.WriteLineAsync(scenario.Explanation).ConfigureAwait(false);
        await output.WriteLineAsync($"Transport: {scenario.Transport}. Client and acceptor run in this process over System.Threading.Channels.").ConfigureAwait(false);

        var good = await AttemptAsync(provider, scenario, scenario.GoodLogin, "with the right secrets", output, cancellationToken).ConfigureAwait(false);
        var bad = await AttemptAsync(provider, scenario, scenario.BadLogin, "with a wrong secret", output, cancellationToken).ConfigureAwait(false);

        // Success means the demo showed what it promises: the right secrets pass, a wrong one is refused.
        return good && !bad ? 0 : 1;
    }

    private static async Task<bool> AttemptAsync(IServiceProvider provider, DemoScenario scenario, Func<AuthCredentials> login, string label, TextWriter output, CancellationToken cancellationToken)
    {
        using var credentials = login();
        using var negotiator = provider.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, scenario.Transport);
        using var acceptor = provider.GetRequiredService<IAuthAcceptorFactory>().Create(scenario.Transport);
        using var connection = InMemoryAuthConnection.Create(scenario.Transport);
        var recorder = new TranscriptRecorder(scenario.Redactor);

        await output.WriteLineAsync().ConfigureAwait(false);
        await output.WriteLineAsync($"-- {credentials.UserName} logs in {label}").ConfigureAwait(false);
        var result = await InMemoryHandshake.RunAsync(negotiator, acceptor, connection, recorder: recorder, cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (var entry in recorder.Entries)
        {
            await output.WriteLineAsync("   " + entry).ConfigureAwait(false);
        }

        if (result.Succeeded)
        {
            var r = result.ClientResult!;
            await output.WriteLineAsync($"   => authenticated as {r.UserName}: assurance level {r.AssuranceLevel}, {r.Rounds} round(s), {r.Elapsed.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture)} ms").ConfigureAwait(false);
            foreach (var factor in r.Factors)
            {
                await output.WriteLineAsync($"      {factor}").ConfigureAwait(false);
            }

            return true;
        }

        await output.WriteLineAsync($"   => refused. Client sees {result.ClientError?.Code}: {result.ClientError?.Message}").ConfigureAwait(false);
        await output.WriteLineAsync($"      Server logs the real reason: {result.ServerFailureReason}").ConfigureAwait(false);
        return false;
    }
}
