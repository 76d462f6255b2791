using System.CommandLine;
using System.Globalization;
using Handshake.Cli.Internal;
using Handshake.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Cli.Demo;

/// <summary>
/// <c>handshake demo [--plugin PAGE]</c>: clients and an acceptor over the in-memory transport
/// (no server needed), a transcript of every round with secrets redacted, and the result.
/// </summary>
internal static class DemoCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var plugin = new Option<string?>("--plugin", "-p")
        {
            Description = $"The page to run: {string.Join("; ", DemoScenarios.All.Select(s => $"{s.Key} ({s.Summary})"))}. Default: {DemoScenarios.DefaultKey}.",
            HelpName = string.Join('|', DemoScenarios.All.Select(s => s.Key)),
        };
        var command = new Command("demo", "Run clients against the embedded acceptor in memory and print the transcript (secrets and proofs redacted).") { plugin };
        context.SetAction(command, async (parse, ct) =>
        {
            var key = parse.GetValue(plugin);
            var page = key is null ? DemoScenarios.Default : DemoScenarios.Find(key);
            if (page is null)
            {
                throw new CliUsageException($"unknown demo page '{key}'; pages: {string.Join(", ", DemoScenarios.All.Select(s => s.Key))}");
            }

            using var scenario = page.Build();
            var style = context.Environment.UseColor ? new Ansi(true) : Ansi.Plain;
            return await RunAsync(scenario, context.Environment.Output, style, ct).ConfigureAwait(false);
        });
        return command;
    }

    public static async Task<int> RunAsync(DemoScenario scenario, TextWriter output, Ansi style, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(style);

        // One server for the whole page, so its caches and replay state carry from one login to the next.
        var serverServices = new ServiceCollection();
        scenario.ConfigureServer(serverServices.AddHandshake());
        var server = serverServices.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        await using var serverScope = server.ConfigureAwait(false);

        await output.WriteLineAsync(style.Bold($"== {scenario.Title} ({scenario.Key}) ==")).ConfigureAwait(false);
        foreach (var line in Wrap(scenario.Explanation, 100))
        {
            await output.WriteLineAsync(line).ConfigureAwait(false);
        }

        await output.WriteLineAsync(style.Dim($"Transport: {scenario.Transport}. Client and acceptor run in this process over System.Threading.Channels.")).ConfigureAwait(false);

        var asExpected = true;
        for (var index = 0; index < scenario.Attempts.Count; index++)
        {
            var attempt = scenario.Attempts[index];
            if (scenario.Hooks is { } hooks)
            {
                await hooks.BeforeAsync(index, output, style).ConfigureAwait(false);
            }

            var result = await AttemptAsync(server, scenario, index, attempt, output, style, cancellationToken).ConfigureAwait(false);
            if (scenario.Hooks is { } after)
            {
                await after.AfterAsync(index, server, result, output, style, cancellationToken).ConfigureAwait(false);
            }

            asExpected &= result.Succeeded == attempt.ExpectSuccess;
        }

        await output.WriteLineAsync().ConfigureAwait(false);
        await output.WriteLineAsync(asExpected
            ? style.Green("Every login ended as expected.")
            : style.Red("A login did not end as expected.")).ConfigureAwait(false);
        return asExpected ? ExitCodes.Success : ExitCodes.Failure;
    }

    private static async Task<InMemoryHandshakeResult> AttemptAsync(IServiceProvider server, DemoScenario scenario, int index, DemoAttempt attempt, TextWriter output, Ansi style, CancellationToken cancellationToken)
    {
        // The client has its own container, as an application would: only its plugins, no users.
        var clientServices = new ServiceCollection();
        attempt.ConfigureClient(clientServices.AddHandshake());
        var client = clientServices.BuildServiceProvider();
        await using var clientScope = client.ConfigureAwait(false);

        var clientTransport = attempt.ClientTransport ?? scenario.Transport;
        using var credentials = attempt.Login();
        using var negotiator = client.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, clientTransport);
        using var acceptor = server.GetRequiredService<IAuthAcceptorFactory>().Create(scenario.Transport, scenario.StartMode, scenario.Hooks?.AcceptorProperties(index));
        using var connection = InMemoryAuthConnection.Create(clientTransport, scenario.Transport);
        // Each plugin redacts its own payloads (its package registered how, in the client's catalogue).
        var recorder = new TranscriptRecorder(new DefaultTranscriptRedactor(client.GetRequiredService<IHandshakeCatalog>()));

        await output.WriteLineAsync().ConfigureAwait(false);
        await output.WriteLineAsync(style.Bold($"-- {credentials.UserName} {attempt.Label}")).ConfigureAwait(false);
        // An offering acceptor (PostgreSQL) knows the user from the startup message before it offers.
        var startupUser = scenario.StartMode == AcceptorStartMode.Offer ? credentials.UserName : null;
        var result = await InMemoryHandshake.RunAsync(negotiator, acceptor, connection, startupUser, recorder.Record, cancellationToken).ConfigureAwait(false);
        foreach (var entry in recorder.Entries)
        {
            await output.WriteLineAsync("   " + Render(entry, style)).ConfigureAwait(false);
        }

        if (result.Succeeded)
        {
            var r = result.ClientResult!;
            var elapsed = r.Elapsed.TotalMilliseconds.ToString("0.#", CultureInfo.InvariantCulture);
            await output.WriteLineAsync($"   => {style.Green($"authenticated as {r.UserName}")}: assurance level {r.AssuranceLevel}, {r.Rounds} round(s), {elapsed} ms").ConfigureAwait(false);
            foreach (var factor in r.Factors)
            {
                await output.WriteLineAsync($"      {factor}").ConfigureAwait(false);
            }

            return result;
        }

        var expected = attempt.ExpectSuccess ? string.Empty : " (as expected)";
        await output.WriteLineAsync($"   => {style.Red("refused")}{expected}. Client sees {result.ClientError?.Code}: {result.ClientError?.Message}").ConfigureAwait(false);
        await output.WriteLineAsync($"      Server logs the real reason: {result.ServerFailureReason}").ConfigureAwait(false);
        return result;
    }

    private static IEnumerable<string> Wrap(string text, int width)
    {
        var line = new System.Text.StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                yield return line.ToString();
                line.Clear();
            }

            line.Append(line.Length > 0 ? " " : string.Empty).Append(word);
        }

        if (line.Length > 0)
        {
            yield return line.ToString();
        }
    }

    private static string Render(TranscriptEntry entry, Ansi style)
    {
        var toServer = entry.Direction == TranscriptDirection.ClientToServer;
        var arrow = toServer ? style.Cyan("C -> S") : style.Yellow("S -> C");
        var step = entry.Step == nameof(AuthEventKind.Failed) ? style.Red(entry.Step) : style.Bold(entry.Step);
        var plugin = entry.PluginName is null ? string.Empty : " " + style.Magenta($"[{entry.PluginName}]");
        return $"{arrow}  {step}{plugin}  {entry.Rendered}";
    }
}
