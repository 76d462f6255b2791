using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Handshake.Testing.Conformance.Adapters;

namespace Handshake.Tests;

/// <summary>The one TLS upgrade every adapter uses: only VerifyFull with a trusted chain and a matching name counts as verified.</summary>
public sealed class AdapterTlsTests
{
    private static X509Certificate2 Certificate => ConformanceServerCertificate.Instance;

    [Theory]
    [InlineData(ClientTlsMode.Prefer)]
    [InlineData(ClientTlsMode.Require)]
    public async Task AuthenticateAsClientAsync_UnverifyingMode_EncryptsButIsNotVerified(ClientTlsMode mode)
    {
        var security = await ConnectAsync(new TestClientOptions { TlsMode = mode, TargetHost = "localhost" });

        Assert.True(security.IsEncrypted);
        Assert.False(security.IsCertificateVerified);
        Assert.False(security.IsSafeForCleartext);
        Assert.Equal(Certificate.Thumbprint, security.ServerCertificate?.Thumbprint);
    }

    [Fact]
    public async Task AuthenticateAsClientAsync_VerifyFullTrustedRootAndMatchingName_IsVerified()
    {
        var options = new TestClientOptions { TlsMode = ClientTlsMode.VerifyFull, TargetHost = "localhost" };
        options.TrustedRootCertificates.Add(Certificate);

        var security = await ConnectAsync(options);

        Assert.True(security.IsCertificateVerified);
        Assert.True(security.IsSafeForCleartext);
    }

    [Fact]
    public async Task AuthenticateAsClientAsync_VerifyFullUntrustedRoot_FailsWithPolicyViolation()
    {
        var error = await Assert.ThrowsAsync<HandshakeException>(() => ConnectAsync(new TestClientOptions { TlsMode = ClientTlsMode.VerifyFull, TargetHost = "localhost" }));

        Assert.Equal(AuthErrorCode.PolicyViolation, error.Code);
    }

    [Fact]
    public async Task AuthenticateAsClientAsync_VerifyFullWrongName_FailsWithPolicyViolation()
    {
        var options = new TestClientOptions { TlsMode = ClientTlsMode.VerifyFull, TargetHost = "db.example.net" };
        options.TrustedRootCertificates.Add(Certificate);

        var error = await Assert.ThrowsAsync<HandshakeException>(() => ConnectAsync(options));

        Assert.Equal(AuthErrorCode.PolicyViolation, error.Code);
        Assert.Contains("db.example.net", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthenticateAsClientAsync_VerifyCAWrongName_ConnectsButIsNotVerified()
    {
        var options = new TestClientOptions { TlsMode = ClientTlsMode.VerifyCA, TargetHost = "db.example.net" };
        options.TrustedRootCertificates.Add(Certificate);

        var security = await ConnectAsync(options);

        Assert.True(security.IsEncrypted);
        Assert.False(security.IsCertificateVerified);
    }

    [Fact]
    public async Task AuthenticateAsClientAsync_CallbackAcceptsUntrustedCertificate_IsNotVerified()
    {
        var options = new TestClientOptions { TlsMode = ClientTlsMode.VerifyFull, TargetHost = "localhost", RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == Certificate.GetCertHashString() };

        var security = await ConnectAsync(options);

        Assert.True(security.IsEncrypted);
        Assert.False(security.IsCertificateVerified);
    }

    [Fact]
    public async Task AuthenticateAsClientAsync_CallbackRefusesTrustedCertificate_FailsWithPolicyViolation()
    {
        var options = new TestClientOptions { TlsMode = ClientTlsMode.VerifyFull, TargetHost = "localhost", RemoteCertificateValidationCallback = (_, _, _, _) => false };
        options.TrustedRootCertificates.Add(Certificate);

        var error = await Assert.ThrowsAsync<HandshakeException>(() => ConnectAsync(options));

        Assert.Equal(AuthErrorCode.PolicyViolation, error.Code);
    }

    [Fact]
    public async Task RunAsync_WaitOutlivesLimit_ThrowsTimeoutNamingTheOption()
    {
        var error = await Assert.ThrowsAsync<HandshakeException>(async () => await AdapterDeadline.RunAsync(
            async ct => await Task.Delay(Timeout.Infinite, ct),
            TimeSpan.FromMilliseconds(50),
            TimeProvider.System,
            "The client's first packet",
            "TestOptions.FirstMessageTimeout",
            CancellationToken.None));

        Assert.Equal(AuthErrorCode.Timeout, error.Code);
        Assert.Contains("TestOptions.FirstMessageTimeout", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_CallerCancels_StaysOperationCanceled()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await AdapterDeadline.RunAsync(
            async ct => await Task.Delay(Timeout.Infinite, ct),
            TimeSpan.FromSeconds(30),
            TimeProvider.System,
            "The client's first packet",
            "TestOptions.FirstMessageTimeout",
            cancel.Token));
    }

    [Theory]
    [InlineData(false, false, false, false, false)]
    [InlineData(true, false, false, true, false)]
    [InlineData(true, true, false, true, true)]
    [InlineData(false, false, true, true, true)]
    public void TransportSecurity_Flags_ConfidentialAndSafeForCleartextFollowOneRule(bool encrypted, bool verified, bool trustedLocal, bool confidential, bool safe)
    {
        var security = new TransportSecurity { IsEncrypted = encrypted, IsCertificateVerified = verified, IsTrustedLocal = trustedLocal };

        Assert.Equal(confidential, security.IsConfidential);
        Assert.Equal(safe, security.IsSafeForCleartext);
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("line\r\nforged: entry", "line??forged: entry")]
    [InlineData("\u001b[2Jclear", "?[2Jclear")]
    [InlineData("a\u2028b", "a?b")]
    [InlineData(null, "")]
    public void Printable_PeerText_ReplacesControlCharacters(string? text, string expected) =>
        Assert.Equal(expected, PeerText.Printable(text));

    [Fact]
    public void Printable_LongText_IsCutAndMarked()
    {
        var shown = PeerText.Printable(new string('x', 10_000), 16);

        Assert.Equal(new string('x', 16) + "…", shown);
    }

    [Fact]
    public void Printable_Bytes_KeepsPrintableAsciiOnly()
    {
        Assert.Equal("ok?\u003f?", PeerText.Printable([(byte)'o', (byte)'k', 0x00, 0xFF, 0x0A], 16));
        Assert.Equal("ab…", PeerText.Printable("abcdef"u8, 2));
    }

    private static async Task<TransportSecurity> ConnectAsync(TestClientOptions options)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient();
        var accept = listener.AcceptTcpClientAsync();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        using var server = await accept;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var serverSide = ServeAsync(server.GetStream(), timeout.Token);
        try
        {
            var (stream, security) = await AdapterTls.AuthenticateAsClientAsync(client.GetStream(), options, timeout.Token);
            await stream.DisposeAsync();
            return security;
        }
        finally
        {
            client.Close();
            await serverSide;
        }
    }

    private static async Task ServeAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        try
        {
            var (ssl, security) = await AdapterTls.AuthenticateAsServerAsync(stream, Certificate, cancellationToken);
            Assert.True(security.IsEncrypted);
            await ssl.DisposeAsync();
        }
        catch (HandshakeException ex) when (ex.Code == AuthErrorCode.TransportFailure)
        {
            // The client refused the certificate and hung up: that is the case under test.
        }
    }

    private sealed class TestClientOptions() : AdapterClientOptions(1024);
}
