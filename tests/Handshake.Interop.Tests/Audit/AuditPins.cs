using System.Text;
using System.Text.Json;
using Handshake.Audit;
using Handshake.Cli;

namespace Handshake.Interop.Tests.Audit;

/// <summary>One scenario's result, from the CLI's JSON or from an in-process run.</summary>
internal sealed record AuditOutcome(string Scenario, AuditVerdict Verdict, string Explanation);

/// <summary>
/// Runs the audit against a real client and compares every verdict with the pinned one: a client that changes
/// behaviour (or a scenario that changes) fails the test with the whole table, ready to review and re-pin.
/// </summary>
internal static class AuditPins
{
    /// <summary>The deadline of one connection in these runs; every client gets a 2 s connect timeout.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(3);

    public static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(2);

    /// <summary>How long an in-process client may run past the deadline before it is judged without waiting for it.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(1);

    /// <summary>Runs <c>handshake audit PROTOCOL --json --run COMMAND</c> in process (the command itself is a real client process).</summary>
    public static async Task<IReadOnlyList<AuditOutcome>> RunCliAsync(string protocol, string command)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await HandshakeCommand.InvokeAsync(
            ["audit", protocol, "--json", "--deadline", Deadline.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "--run", command],
            output,
            error);
        Assert.True(exit is 0 or 4, $"handshake audit exited {exit}: {error}");
        using var document = JsonDocument.Parse(output.ToString());
        return [.. document.RootElement.GetProperty("findings").EnumerateArray().Select(f => new AuditOutcome(
            f.GetProperty("scenario").GetString()!,
            Enum.Parse<AuditVerdict>(f.GetProperty("verdict").GetString()!),
            f.GetProperty("explanation").GetString()!))];
    }

    /// <summary>Runs an in-process client once per scenario; <paramref name="connect"/> returns null when it logged in, else the exception.</summary>
    public static async Task<IReadOnlyList<AuditOutcome>> RunInProcessAsync(AuditProtocol protocol, Func<AuditScenario, int, Task<Exception?>> connect)
    {
        var outcomes = new List<AuditOutcome>();
        var options = new AuditServerOptions { Deadline = Deadline };
        foreach (var scenario in AuditScenarios.For(protocol))
        {
            await using var server = AuditServer.Start(scenario, options);

            // A client busy in key derivation (i=100000000) ignores its own timeout: it is left to finish in
            // the background and judged as the server saw it (hung until the deadline).
            var attempt = connect(scenario, server.Port);
            AuditClientReport report;
            try
            {
                report = AuditClientReport.FromException(await attempt.WaitAsync(Deadline + Grace));
            }
            catch (TimeoutException)
            {
                report = AuditClientReport.FromException(new TimeoutException("the client was still connecting at the deadline"));
            }

            var finding = await server.JudgeAsync(report);
            outcomes.Add(new AuditOutcome(scenario.Id, finding.Verdict, finding.Explanation));
        }

        return outcomes;
    }

    public static void AssertMatches(IReadOnlyDictionary<string, AuditVerdict> pinned, IReadOnlyList<AuditOutcome> actual, AuditProtocol protocol)
    {
        var ids = AuditScenarios.For(protocol).Select(s => s.Id).ToList();
        Assert.Equal(ids, actual.Select(a => a.Scenario).ToList());
        var table = new StringBuilder();
        var mismatches = 0;
        foreach (var outcome in actual)
        {
            var expected = pinned.TryGetValue(outcome.Scenario, out var v) ? v : (AuditVerdict?)null;
            if (expected != outcome.Verdict)
            {
                mismatches++;
            }

            table.Append(expected == outcome.Verdict ? "   " : "!! ")
                .Append(System.Globalization.CultureInfo.InvariantCulture, $"[\"{outcome.Scenario}\"] = AuditVerdict.{outcome.Verdict}, // {outcome.Explanation}")
                .AppendLine(expected == outcome.Verdict ? string.Empty : "  (pinned: " + (expected?.ToString() ?? "none") + ")");
        }

        Assert.True(mismatches == 0 && pinned.Count == actual.Count, $"{mismatches} verdict(s) differ from the pins:\n{table}");
    }
}
