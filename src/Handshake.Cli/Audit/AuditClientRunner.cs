using System.Diagnostics;
using System.Globalization;
using System.Text;
using Handshake.Audit;

namespace Handshake.Cli.Audit;

/// <summary>
/// Runs a client command once per scenario against a fresh <see cref="AuditServer"/>, and judges each run with
/// what the server saw and what the command returned and printed. The command is killed when it outlives the
/// scenario's deadline by <see cref="Grace"/>.
/// </summary>
internal static class AuditClientRunner
{
    /// <summary>How long a client may run past the scenario's deadline before it is killed.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);

    /// <summary>The most of a client's output kept (per stream): enough for its error message.</summary>
    private const int MaxOutputChars = 16 * 1024;

    public static async Task<List<AuditFinding>> RunAllAsync(IReadOnlyList<AuditScenario> scenarios, AuditServerOptions options, string command, TextWriter output, bool quiet, CancellationToken cancellationToken)
    {
        var findings = new List<AuditFinding>(scenarios.Count);
        foreach (var scenario in scenarios)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var finding = await RunOneAsync(scenario, options, command, cancellationToken).ConfigureAwait(false);
            findings.Add(finding);
            if (!quiet)
            {
                await output.WriteLineAsync(AuditScorecard.Line(finding)).ConfigureAwait(false);
                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        return findings;
    }

    public static async Task<AuditFinding> RunOneAsync(AuditScenario scenario, AuditServerOptions options, string command, CancellationToken cancellationToken)
    {
        var server = AuditServer.Start(scenario, options);
        await using (server.ConfigureAwait(false))
        {
            var report = await RunClientAsync(scenario, server.Port, options, command, cancellationToken).ConfigureAwait(false);
            return await server.JudgeAsync(report, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Substitutes the placeholders of a client command for one scenario.</summary>
    public static string Substitute(string command, AuditScenario scenario, int port) => command
        .Replace("{port}", port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{scenario}", scenario.Id, StringComparison.Ordinal)
        .Replace("{tls}", scenario.UsesTls ? "1" : "0", StringComparison.Ordinal)
        .Replace("{sslmode}", scenario.UsesTls ? "require" : "prefer", StringComparison.Ordinal)
        .Replace("{channel_binding}", scenario.RequiresChannelBinding ? "require" : "prefer", StringComparison.Ordinal);

    private static async Task<AuditClientReport> RunClientAsync(AuditScenario scenario, int port, AuditServerOptions options, string command, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo
        {
            FileName = "/bin/sh",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Substitute(command, scenario, port));

        // The password goes by environment, never on a command line another user can read.
        start.Environment["HANDSHAKE_AUDIT_PORT"] = port.ToString(CultureInfo.InvariantCulture);
        start.Environment["HANDSHAKE_AUDIT_SCENARIO"] = scenario.Id;
        start.Environment["HANDSHAKE_AUDIT_TLS"] = scenario.UsesTls ? "1" : "0";
        start.Environment["HANDSHAKE_AUDIT_CHANNEL_BINDING"] = scenario.RequiresChannelBinding ? "require" : "prefer";
        start.Environment["HANDSHAKE_AUDIT_USER"] = options.UserName;
        start.Environment["HANDSHAKE_AUDIT_PASSWORD"] = options.Password;
        start.Environment["PGPASSWORD"] = options.Password;
        start.Environment["MYSQL_PWD"] = options.Password;

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start /bin/sh.");
        process.StandardInput.Close();
        var stdout = ReadBoundedAsync(process.StandardOutput);
        var stderr = ReadBoundedAsync(process.StandardError);
        var killed = false;
        using (var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            limit.CancelAfter(options.Deadline + Grace);
            try
            {
                await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                killed = true;
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }

        var text = (await stderr.ConfigureAwait(false)) + (await stdout.ConfigureAwait(false));
        return AuditClientReport.FromProcess(process.ExitCode, text, killed);
    }

    private static async Task<string> ReadBoundedAsync(StreamReader reader)
    {
        var builder = new StringBuilder();
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            if (builder.Length < MaxOutputChars)
            {
                builder.Append(buffer, 0, Math.Min(read, MaxOutputChars - builder.Length));
            }
        }

        return builder.ToString();
    }
}
