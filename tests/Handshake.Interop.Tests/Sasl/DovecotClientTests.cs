using System.Net.Sockets;
using System.Text;
using Handshake.Interop.Tests.Infrastructure;
using Handshake.Plugins.Plain;
using Handshake.Plugins.Scram;
using Handshake.Protocols.Sasl;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Handshake.Interop.Tests.Sasl;

/// <summary>Our IMAP and SMTP clients against a real Dovecot 2.3 (imap-login, submission-login), over STARTTLS and implicit TLS.</summary>
[Collection(DovecotServerGroup.Name)]
public sealed class DovecotClientTests(DovecotServer dovecot, ITestOutputHelper output)
{
    public enum Protocol
    {
        Imap,
        Smtp,
    }

    public static TheoryData<Protocol, SaslTlsStart, string> Logins()
    {
        var data = new TheoryData<Protocol, SaslTlsStart, string>();
        foreach (var protocol in new[] { Protocol.Imap, Protocol.Smtp })
        {
            foreach (var tls in new[] { SaslTlsStart.StartTls, SaslTlsStart.Implicit })
            {
                foreach (var mechanism in new[] { "SCRAM-SHA-256", "PLAIN", "SCRAM-SHA-1" })
                {
                    data.Add(protocol, tls, mechanism);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Logins))]
    public async Task Authenticate_Dovecot_SucceedsWithTheMechanism(Protocol protocol, SaslTlsStart tls, string mechanism)
    {
        dovecot.EnsureAvailable();
        var user = mechanism == "SCRAM-SHA-1" ? dovecot.ScramSha1User : dovecot.ScramSha256User;
        await using var services = CreateClient(mechanism);
        using var credentials = AuthCredentials.FromPasswords(user, dovecot.Password);

        var result = await LoginAsync(protocol, tls, services, credentials);

        Assert.Equal(mechanism, Assert.Single(result.Authentication.Factors).PluginName);
        Assert.True(result.Transport.IsEncrypted);
        Assert.True(result.Transport.IsCertificateVerified);
    }

    [Theory]
    [InlineData(Protocol.Imap, "AUTHENTICATIONFAILED")]
    [InlineData(Protocol.Smtp, "535 5.7.8")]
    public async Task Authenticate_WrongPassword_IsServerRejectedWithDovecotsCode(Protocol protocol, string code)
    {
        dovecot.EnsureAvailable();
        await using var services = CreateClient("SCRAM-SHA-256");
        using var credentials = AuthCredentials.FromPasswords(dovecot.ScramSha256User, "not-the-password");

        var error = await Assert.ThrowsAsync<HandshakeException>(() => LoginAsync(protocol, SaslTlsStart.StartTls, services, credentials));

        Assert.Equal(AuthErrorCode.ServerRejected, error.Code);
        Assert.Equal(code, error.ServerErrorCode);
        Assert.DoesNotContain("not-the-password", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authenticate_ImapScramOverPlainTcp_WireShowsSaslIrContinuationAndTaggedOk()
    {
        // Plain TCP on loopback (Dovecot counts 127.0.0.1 as secured), so the wire can be read: SCRAM sends no password.
        dovecot.EnsureAvailable();
        await using var services = CreateClient("SCRAM-SHA-256");
        using var credentials = AuthCredentials.FromPasswords(dovecot.ScramSha256User, dovecot.Password);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(dovecot.Host, dovecot.ImapPort);
        await using var recording = new RecordingStream(tcp.GetStream());

        var result = await ImapClientAuthenticator.ConnectAsync(recording, new SaslClientOptions { TlsMode = ClientTlsMode.Disable }, services.GetRequiredService<IAuthNegotiatorFactory>(), credentials);

        var trace = recording.RedactedTrace();
        output.WriteLine(trace);
        Assert.Equal("SCRAM-SHA-256", result.Authentication.Factors[0].PluginName);
        Assert.Matches(@"C: H\d+ AUTHENTICATE SCRAM-SHA-256 <base64 \d+ bytes>", trace);
        Assert.Matches(@"S: \+ <base64 \d+ bytes>", trace);
        Assert.Matches(@"S: H\d+ OK .*Logged in", trace);
        Assert.DoesNotContain(dovecot.Password, trace, StringComparison.Ordinal);
    }

    private async Task<SaslClientResult> LoginAsync(Protocol protocol, SaslTlsStart tls, ServiceProvider services, AuthCredentials credentials)
    {
        var port = (protocol, tls) switch
        {
            (Protocol.Imap, SaslTlsStart.Implicit) => dovecot.ImapsPort,
            (Protocol.Imap, _) => dovecot.ImapPort,
            (Protocol.Smtp, SaslTlsStart.Implicit) => dovecot.SubmissionsPort,
            _ => dovecot.SubmissionPort,
        };
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(dovecot.Host, port);
        var options = new SaslClientOptions { TlsStart = tls, TargetHost = "localhost", Timeout = TimeSpan.FromSeconds(20) };
        options.TrustedRootCertificates.Add(dovecot.Certificate!);
        var factory = services.GetRequiredService<IAuthNegotiatorFactory>();
        var result = protocol == Protocol.Imap
            ? await ImapClientAuthenticator.ConnectAsync(tcp.GetStream(), options, factory, credentials)
            : await SmtpClientAuthenticator.ConnectAsync(tcp.GetStream(), options, factory, credentials);
        await result.Stream.DisposeAsync();
        return result;
    }

    /// <summary>A client that can use exactly the one mechanism under test.</summary>
    private static ServiceProvider CreateClient(string mechanism)
    {
        var services = new ServiceCollection();
        services.AddHandshake(o => o.AllowedPlugins.Add(mechanism)).AddScramSha1().AddPlain();
        return services.BuildServiceProvider();
    }

    /// <summary>Records the lines both ways, with every SASL payload replaced by its length.</summary>
    private sealed class RecordingStream(Stream inner) : Stream
    {
        private readonly StringBuilder _trace = new();
        private readonly object _gate = new();

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public string RedactedTrace()
        {
            lock (_gate)
            {
                return System.Text.RegularExpressions.Regex.Replace(_trace.ToString(), @"(?<=[ +]|^C: |^S: )([A-Za-z0-9+/]{8,}={0,2})$", m => $"<base64 {Convert.FromBase64String(m.Value).Length} bytes>", System.Text.RegularExpressions.RegexOptions.Multiline);
            }
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            Record("S", buffer.Span[..read]);
            return read;
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Record("C", buffer.Span);
            await inner.WriteAsync(buffer, cancellationToken);
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private void Record(string who, ReadOnlySpan<byte> bytes)
        {
            lock (_gate)
            {
                var lines = Encoding.ASCII.GetString(bytes).Split("\r\n");
                foreach (var line in lines[^1].Length == 0 ? lines[..^1] : lines)
                {
                    _trace.Append(who).Append(": ").Append(line).Append('\n');
                }
            }
        }
    }
}
