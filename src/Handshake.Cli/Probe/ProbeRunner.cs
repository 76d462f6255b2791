using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Handshake.Cli.Internal;
using Handshake.Mfa;
using Handshake.Plugins.CachingSha2;
using Handshake.Plugins.KeyAuth;
using Handshake.Plugins.NativePassword;
using Handshake.Plugins.Scram;
using Handshake.Protocols.MySql;
using Handshake.Protocols.PostgreSql;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Cli.Probe;

/// <summary>One probe: connect, run the adapter's client with recording plugins, print what happened.</summary>
internal sealed class ProbeRunner(ProbeSettings settings, TextWriter output, Ansi style)
{
    /// <summary>The client plugins probe registers (ssh-key-auth only with --key).</summary>
    public static readonly IReadOnlyList<string> KnownPlugins =
    [
        "SCRAM-SHA-256", "SCRAM-SHA-256-PLUS", NativePasswordPlugin.PluginName, CachingSha2Plugin.PluginName, TotpVerifierOptions.DefaultName, KeyAuthDefaults.Name,
    ];

    private readonly ProbeRecorder _recorder = new();
    private readonly TlsObservation _tls = new();

    public async Task<int> RunAsync(AuthCredentials credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        await output.WriteLineAsync(style.Bold($"probe {settings.Url}")).ConfigureAwait(false);
        await output.WriteLineAsync($"  sslmode {ProbeSettings.Name(settings.SslMode)}, channel-binding {ProbeSettings.Name(settings.ChannelBinding)}, plugins: {string.Join(", ", Registered())}{(settings.Plugin is null ? string.Empty : $" (only {settings.Plugin}: --plugin)")}").ConfigureAwait(false);

        var services = new ServiceCollection();
        var builder = services.AddHandshake(o =>
        {
            o.HandshakeTimeout = settings.Timeout;
            if (settings.Plugin is not null)
            {
                o.MechanismPreference.Add(settings.Plugin);
            }
        });
        builder.AddScram(o => o.ChannelBinding = settings.ChannelBinding).AddNativePassword().AddCachingSha2().AddTotp();
        if (settings.PrivateKeyPem is { } pem)
        {
            builder.AddKeyAuth(o => o.PrivateKeyPem = pem);
        }

        _recorder.Decorate(services);
        var provider = services.BuildServiceProvider();
        await using var scope = provider.ConfigureAwait(false);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(settings.Timeout);
        AuthResult result;
        try
        {
            result = settings.Url.Protocol == ProbeProtocol.PostgreSql
                ? await PostgreSqlAsync(provider, credentials, deadline.Token).ConfigureAwait(false)
                : await MySqlAsync(provider, credentials, deadline.Token).ConfigureAwait(false);
        }
        catch (HandshakeException ex)
        {
            return await FailedAsync(ex).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or IOException || (ex is OperationCanceledException && deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested))
        {
            await PrintTranscriptAsync().ConfigureAwait(false);
            var what = ex is OperationCanceledException ? $"no answer within {settings.Timeout.TotalSeconds:0.#} s" : ex.Message;
            await output.WriteLineAsync($"result: {style.Red("cannot connect")}: {what}").ConfigureAwait(false);
            await output.WriteLineAsync($"diagnosis: check that a {(settings.Url.Protocol == ProbeProtocol.PostgreSql ? "PostgreSQL" : "MySQL/MariaDB")} server listens on {settings.Url.Host}:{settings.Url.Port.ToString(CultureInfo.InvariantCulture)} and that no firewall is in the way; raise --timeout for a slow network.").ConfigureAwait(false);
            return ExitCodes.CannotConnect;
        }

        await PrintTranscriptAsync().ConfigureAwait(false);
        await PrintNegotiationAsync().ConfigureAwait(false);
        var factors = string.Join(", ", result.Factors.Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.FactorIndex}: {f.PluginName}")));
        await output.WriteLineAsync($"result: {style.Green($"authenticated as {result.UserName}")} (factors {factors}; assurance level {result.AssuranceLevel.ToString(CultureInfo.InvariantCulture)}; {result.Rounds.ToString(CultureInfo.InvariantCulture)} round(s))").ConfigureAwait(false);
        return ExitCodes.Success;
    }

    private IEnumerable<string> Registered() => KnownPlugins.Where(p => p != KeyAuthDefaults.Name || settings.PrivateKeyPem is not null);

    private async Task<AuthResult> PostgreSqlAsync(IServiceProvider provider, AuthCredentials credentials, CancellationToken cancellationToken)
    {
        using var tcp = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var options = new PostgreSqlClientOptions
        {
            SslMode = settings.SslMode switch
            {
                ProbeSslMode.Disable => PostgreSqlSslMode.Disable,
                ProbeSslMode.Prefer => PostgreSqlSslMode.Prefer,
                ProbeSslMode.Require => PostgreSqlSslMode.Require,
                _ => PostgreSqlSslMode.VerifyFull,
            },
            TargetHost = settings.Url.Host,
            Database = settings.Url.Database,
            Timeout = settings.Timeout,
            RemoteCertificateValidationCallback = Validate, // used by the adapter for verify-full only
        };
        options.StartupParameters["application_name"] = "handshake probe";
        var startup = await PostgreSqlStartup.AuthenticateAsync(tcp.GetStream(), options, provider.GetRequiredService<IAuthNegotiatorFactory>(), credentials, cancellationToken).ConfigureAwait(false);
        _tls.Observe(startup.Stream, startup.Transport);
        try
        {
            // Terminate ('X'), as a polite client leaves.
            await startup.Stream.WriteAsync(new byte[] { (byte)'X', 0, 0, 0, 4 }, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // Leaving anyway.
        }
        finally
        {
            if (!ReferenceEquals(startup.Stream, tcp.GetStream()))
            {
                await startup.Stream.DisposeAsync().ConfigureAwait(false);
            }
        }

        return startup.Authentication;
    }

    private async Task<AuthResult> MySqlAsync(IServiceProvider provider, AuthCredentials credentials, CancellationToken cancellationToken)
    {
        var tls = settings.SslMode != ProbeSslMode.Disable;
        using var ca = settings.SslMode == ProbeSslMode.VerifyFull && settings.CaCertificatePem is { } caPem ? X509Certificate2.CreateFromPem(caPem) : null;
        while (true)
        {
            using var tcp = await ConnectAsync(cancellationToken).ConfigureAwait(false);
            var options = new MySqlClientOptions
            {
                UserName = settings.Url.UserName,
                Database = settings.Url.Database,
                SslMode = tls ? MySqlSslMode.Required : MySqlSslMode.None,
                SslOptions = new SslClientAuthenticationOptions { TargetHost = settings.Url.Host, RemoteCertificateValidationCallback = ValidateAny },
            };
            if (ca is not null)
            {
                // The platform itself trusts --ca-cert here, so the adapter reports the transport as verified
                // and secrets that need verified TLS (a TOTP code) may be sent.
                options.SslOptions.CertificateChainPolicy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
                options.SslOptions.CertificateChainPolicy.CustomTrustStore.Add(ca);
            }

            foreach (var name in Registered())
            {
                options.RegisteredPlugins.Add(name);
            }

            if (settings.Plugin is not null)
            {
                // Answer the greeting with this plugin; the server may still switch.
                options.RegisteredPlugins.Clear();
                options.RegisteredPlugins.Add(settings.Plugin);
                options.FallbackPlugin = settings.Plugin;
            }

            var factory = provider.GetRequiredService<IAuthNegotiatorFactory>();
            MySqlClientResult client;
            try
            {
                client = await MySqlClientConnector.AuthenticateAsync(tcp.GetStream(), transport => factory.Create(credentials, transport), options, cancellationToken).ConfigureAwait(false);
            }
            catch (HandshakeException ex) when (tls && settings.SslMode == ProbeSslMode.Prefer && ex.Code == AuthErrorCode.PolicyViolation && _recorder.Starts.Count == 0)
            {
                // sslmode prefer: this server offers no TLS; connect again without asking for it.
                await output.WriteLineAsync("  the server offers no TLS; connecting again without it (sslmode prefer)").ConfigureAwait(false);
                tls = false;
                continue;
            }

            _tls.Observe(client.Stream, client.Transport);
            try
            {
                // COM_QUIT: payload length 1, sequence 0, command 0x01.
                await client.Stream.WriteAsync(new byte[] { 1, 0, 0, 0, 1 }, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException)
            {
                // Leaving anyway.
            }
            finally
            {
                if (!ReferenceEquals(client.Stream, tcp.GetStream()))
                {
                    await client.Stream.DisposeAsync().ConfigureAwait(false);
                }
            }

            return client.Result;
        }
    }

    private async Task<TcpClient> ConnectAsync(CancellationToken cancellationToken)
    {
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(settings.Url.Host, settings.Url.Port, cancellationToken).ConfigureAwait(false);
            return tcp;
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>verify-full: the platform's verdict, or the chain built on --ca-cert alone; the host name must match either way.</summary>
    private bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        _tls.SeeCertificate(certificate);
        var verified = settings.CaCertificatePem is { } ca
            ? (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None && certificate is not null && ChainsTo(certificate, ca)
            : errors == SslPolicyErrors.None;
        _tls.Verified = verified;
        _tls.Errors = errors;
        return verified;
    }

    [SuppressMessage("Security", "CA5359:Do not disable certificate validation", Justification = "sslmode prefer/require encrypt without checking the certificate, as libpq does; the transport is then reported unverified and no cleartext secret is released over it.")]
    private bool ValidateAny(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        settings.SslMode == ProbeSslMode.VerifyFull ? Validate(sender, certificate, chain, errors) : Observe(certificate, errors);

    private bool Observe(X509Certificate? certificate, SslPolicyErrors errors)
    {
        _tls.SeeCertificate(certificate);
        _tls.Errors = errors;
        _tls.Verified = false;
        return true;
    }

    private static bool ChainsTo(X509Certificate certificate, string caPem)
    {
        using var ca = X509Certificate2.CreateFromPem(caPem);
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(leaf);
    }

    private async Task<int> FailedAsync(HandshakeException exception)
    {
        await PrintTranscriptAsync().ConfigureAwait(false);
        await PrintNegotiationAsync().ConfigureAwait(false);
        if (exception.ServerErrorCode is not null || exception.Code == AuthErrorCode.ServerRejected)
        {
            await output.WriteLineAsync($"server said: {OneLine(exception.Message)}").ConfigureAwait(false);
        }

        var code = ExitCodes.For(exception.Code);
        var label = code switch
        {
            ExitCodes.Rejected => "rejected",
            ExitCodes.CannotConnect => "cannot connect",
            ExitCodes.Usage => "not attempted (nothing was sent for this factor)",
            _ => "refused by the client (protocol or security rule)",
        };
        await output.WriteLineAsync($"result: {style.Red(label)}: {exception.Code}{(exception.PluginName is null ? string.Empty : $" in {exception.PluginName}")}: {OneLine(exception.Message)}").ConfigureAwait(false);
        await output.WriteLineAsync($"diagnosis: {ProbeDiagnosis.For(exception, settings, _recorder.Starts, [.. Registered()], _recorder.Offer)}").ConfigureAwait(false);
        return code;
    }

    private async Task PrintTranscriptAsync()
    {
        await output.WriteLineAsync("transcript (secrets and proofs redacted):").ConfigureAwait(false);
        var lines = _recorder.Lines;
        if (lines.Count == 0)
        {
            await output.WriteLineAsync(style.Dim("  (no authentication exchange started)")).ConfigureAwait(false);
        }

        foreach (var line in lines)
        {
            await output.WriteLineAsync("  " + line).ConfigureAwait(false);
        }
    }

    private async Task PrintNegotiationAsync()
    {
        var starts = _recorder.Starts;
        var offered = starts.FirstOrDefault(s => s.Offered.Count > 0)?.Offered ?? _recorder.Offer?.Mechanisms;
        if (offered is not null)
        {
            await output.WriteLineAsync($"mechanisms offered: {string.Join(", ", offered)}").ConfigureAwait(false);
        }

        for (var i = 0; i < starts.Count; i++)
        {
            var start = starts[i];
            var switched = i > 0 && starts[i - 1].FactorIndex == start.FactorIndex;
            await output.WriteLineAsync($"chosen (factor {start.FactorIndex.ToString(CultureInfo.InvariantCulture)}): {start.PluginName} ({Why(start, switched)})").ConfigureAwait(false);
        }

        var transport = _tls.Transport ?? (starts.Count > 0 ? starts[^1].Transport : null);
        await output.WriteLineAsync($"tls: {_tls.Describe(transport, settings)}").ConfigureAwait(false);
        await output.WriteLineAsync($"channel binding: {ChannelBindingState(starts, transport)}").ConfigureAwait(false);
    }

    private string Why(ProbeStart start, bool switched)
    {
        if (switched)
        {
            return "the server switched to it (AuthSwitchRequest)";
        }

        if (start.FactorIndex > 1)
        {
            return "the server asked for it as the next factor";
        }

        if (settings.Plugin is not null)
        {
            return "requested with --plugin";
        }

        if (start.Offered.Count == 0)
        {
            return settings.Url.Protocol == ProbeProtocol.MySql ? "named in the server's greeting, or this client's fallback" : "the server asked for it";
        }

        if (start.PluginName.EndsWith("-PLUS", StringComparison.Ordinal))
        {
            return "offered, and preferred because it binds the login to this TLS connection";
        }

        var plus = start.Offered.FirstOrDefault(m => m.EndsWith("-PLUS", StringComparison.Ordinal));
        return plus is null
            ? "the client's most preferred of the offered mechanisms it has"
            : $"{plus} was offered but not used: {(!start.Transport.IsEncrypted ? "the connection is not TLS" : settings.ChannelBinding == ScramChannelBinding.Disable ? "--channel-binding disable" : "the server certificate allows no channel binding")}";
    }

    private string ChannelBindingState(IReadOnlyList<ProbeStart> starts, TransportSecurity? transport)
    {
        if (starts.Any(s => s.PluginName.EndsWith("-PLUS", StringComparison.Ordinal)))
        {
            return "used (tls-server-end-point, RFC 5929): a man in the middle with another certificate cannot relay this login";
        }

        var mode = ProbeSettings.Name(settings.ChannelBinding);
        if (transport is null)
        {
            return $"not used (--channel-binding {mode})";
        }

        if (!transport.IsEncrypted)
        {
            return $"not used: no TLS (--channel-binding {mode})";
        }

        var offered = starts.FirstOrDefault(s => s.Offered.Count > 0)?.Offered ?? _recorder.Offer?.Mechanisms;
        return offered is not null && !offered.Any(m => m.EndsWith("-PLUS", StringComparison.Ordinal))
            ? $"not used: the server offered no -PLUS mechanism (--channel-binding {mode})"
            : $"not used (--channel-binding {mode})";
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");

    /// <summary>What was learnt about TLS along the way: from the validation callback and the final stream.</summary>
    private sealed class TlsObservation
    {
        private string? _subject;
        private string _version = string.Empty;

        public TransportSecurity? Transport { get; private set; }

        public bool? Verified { get; set; }

        public SslPolicyErrors Errors { get; set; }

        public void SeeCertificate(X509Certificate? certificate) => _subject = certificate?.Subject ?? _subject;

        public void Observe(Stream stream, TransportSecurity transport)
        {
            // Read now: the stream is closed once the probe has said goodbye.
            if (stream is SslStream { IsAuthenticated: true } ssl)
            {
                _version = $"{ssl.SslProtocol}, {ssl.NegotiatedCipherSuite}; ";
            }

            Transport = transport;
            _subject = transport.ServerCertificate?.Subject ?? _subject;
        }

        public string Describe(TransportSecurity? transport, ProbeSettings settings)
        {
            if (transport is null && _subject is null)
            {
                return settings.SslMode == ProbeSslMode.Disable ? "off (--sslmode disable)" : "unknown (the handshake ended before authentication began)";
            }

            if (transport is not null && !transport.IsEncrypted)
            {
                return settings.SslMode == ProbeSslMode.Disable ? "off (--sslmode disable)" : "off: the server does not offer TLS (sslmode prefer); everything crossed the network in the clear";
            }

            var verified = settings.SslMode == ProbeSslMode.VerifyFull
                ? Verified == false ? $"NOT verified ({Errors})" : settings.CaCertificatePem is null ? "verified (system trust store, host name)" : "verified (--ca-cert, host name)"
                : "not verified (sslmode " + ProbeSettings.Name(settings.SslMode) + " encrypts without checking it; use verify-full)";
            return $"on, {_version}server certificate {_subject ?? "(none)"}, {verified}";
        }
    }
}
