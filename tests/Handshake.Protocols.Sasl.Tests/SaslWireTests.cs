using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Protocols.Sasl.Tests;

/// <summary>Wire-level rules of the server sessions, driven by a scripted client on 127.0.0.1.</summary>
public sealed class SaslWireTests
{
    [Fact]
    public async Task Imap_CommandPipelinedBehindStartTls_IsRefusedAsInjection()
    {
        var (lines, result) = await ScriptAsync(imap: true, tls: true, "A1 STARTTLS\r\nA2 CAPABILITY\r\n");

        Assert.Contains("A1 OK Begin TLS negotiation now", lines, StringComparer.Ordinal);
        Assert.Equal(AuthErrorCode.ProtocolViolation, result.FailureReason);
        Assert.False(result.IsEncrypted);
    }

    [Fact]
    public async Task Smtp_CommandPipelinedBehindStartTls_IsRefusedAsInjection()
    {
        var (lines, result) = await ScriptAsync(imap: false, tls: true, "EHLO x\r\nSTARTTLS\r\nMAIL FROM:<a@b>\r\n");

        Assert.Contains("220 2.0.0 Ready to start TLS", lines, StringComparer.Ordinal);
        Assert.Equal(AuthErrorCode.ProtocolViolation, result.FailureReason);
    }

    [Fact]
    public async Task Imap_ClientCancelsWithStar_GetsBadAndTheAttemptIsRecorded()
    {
        var (lines, result) = await ScriptAsync(imap: true, tls: false, "A1 AUTHENTICATE SCRAM-SHA-256\r\n*\r\nA2 LOGOUT\r\n");

        Assert.Contains("+ ", lines, StringComparer.Ordinal);
        Assert.Contains("A1 BAD AUTHENTICATE cancelled", lines, StringComparer.Ordinal);
        Assert.Contains("A2 OK LOGOUT completed", lines, StringComparer.Ordinal);
        Assert.Equal(1, result.AuthenticationAttempts);
        Assert.Null(result.Authentication);
    }

    [Fact]
    public async Task Smtp_AuthBeforeEhloAndMailBeforeAuth_GetTheirReplyCodes()
    {
        var (lines, _) = await ScriptAsync(imap: false, tls: false, "AUTH SCRAM-SHA-256 =\r\nEHLO x\r\nMAIL FROM:<a@b>\r\nQUIT\r\n");

        Assert.Contains("503 5.5.1 Send EHLO first", lines, StringComparer.Ordinal);
        Assert.Contains("250-AUTH SCRAM-SHA-256", lines, StringComparer.Ordinal);
        Assert.Contains("530 5.7.0 Authentication required", lines, StringComparer.Ordinal);
        Assert.DoesNotContain(lines, l => l.Contains("PLAIN", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Imap_ManyCommands_SessionEndsAtTheBudget()
    {
        var script = string.Concat(Enumerable.Range(0, 8).Select(i => $"N{i} NOOP\r\n"));
        var (lines, result) = await ScriptAsync(imap: true, tls: false, script, maxCommands: 5);

        Assert.Contains("* BYE Too many commands", lines, StringComparer.Ordinal);
        Assert.Equal(AuthErrorCode.RoundLimitExceeded, result.FailureReason);
    }

    private static async Task<(List<string> Lines, SaslAcceptorResult Result)> ScriptAsync(bool imap, bool tls, string script, int maxCommands = 100)
    {
        await using var services = SaslTestServices.Create();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var options = new SaslAcceptorOptions { ServerCertificate = !tls ? null : Handshake.Testing.Conformance.Adapters.ConformanceServerCertificate.Instance, MaxCommands = maxCommands, RoundTimeout = TimeSpan.FromSeconds(5) };
        var factory = services.GetRequiredService<IAuthAcceptorFactory>();
        var server = Task.Run(
            async () =>
            {
                using var accepted = await listener.AcceptTcpClientAsync(timeout.Token);
                return imap
                    ? await ImapAcceptorSession.AcceptAsync(accepted.GetStream(), options, factory, timeout.Token)
                    : await SmtpAcceptorSession.AcceptAsync(accepted.GetStream(), options, factory, timeout.Token);
            },
            timeout.Token);
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port, timeout.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(script), timeout.Token);
        var result = await server;
        client.Client.Shutdown(SocketShutdown.Send);
        var received = new MemoryStream();
        await stream.CopyToAsync(received, timeout.Token);
        var lines = Encoding.ASCII.GetString(received.ToArray()).Split("\r\n").ToList();
        return (lines, result);
    }
}
