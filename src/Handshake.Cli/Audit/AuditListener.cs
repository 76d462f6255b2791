using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Handshake.Audit;

namespace Handshake.Cli.Audit;

/// <summary>Serves one scenario per incoming connection, in order, and prints each connection's finding (the server's view alone).</summary>
internal static class AuditListener
{
    public static async Task<List<AuditFinding>> ServeAsync(IReadOnlyList<AuditScenario> scenarios, AuditServerOptions options, TextWriter output, bool quiet, CancellationToken cancellationToken)
    {
        using var listener = new TcpListener(IPAddress.Loopback, options.Port);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"listening on 127.0.0.1:{port}")).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        var findings = new List<AuditFinding>(scenarios.Count);
        try
        {
            foreach (var scenario in scenarios)
            {
                if (!quiet)
                {
                    await output.WriteLineAsync($"next connection: {scenario.Id}{(scenario.UsesTls ? " (TLS)" : string.Empty)}{(scenario.RequiresChannelBinding ? " (run the client with channel binding required)" : string.Empty)}").ConfigureAwait(false);
                    await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                }

                var socket = await listener.AcceptSocketAsync(cancellationToken).ConfigureAwait(false);
                socket.NoDelay = true;
#pragma warning disable CA2000 // The session owns the stream and disposes it when the connection ends.
                var session = AuditSession.Start(new NetworkStream(socket, ownsSocket: true), scenario, options, cancellationToken);
#pragma warning restore CA2000
                AuditFinding finding;
                await using (session.ConfigureAwait(false))
                {
                    finding = await session.JudgeAsync(report: null, cancellationToken).ConfigureAwait(false);
                }

                findings.Add(finding);
                if (!quiet)
                {
                    await output.WriteLineAsync(AuditScorecard.Line(finding)).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C: the scorecard of what was served so far.
        }

        return findings;
    }
}
