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
using Handshake.Plugins.Plain;
using Handshake.Plugins.Scram;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Cli.Probe;

/// <summary>One probe: connect, run the adapter's client with recording plugins, print what happened.</summary>
internal sealed class ProbeRunner(ProbeSettings settings, TextWriter output, Ansi style) : IProbeSession
{
    /// <summary>The client plugins probe registers for every protocol (ssh-key-auth only with --key).</summary>
    public static readonly IReadOnlyList<string> CommonPlugins =
    [
        "SCRAM-SHA-256", "SCRAM-SHA-256-PLUS", NativePasswordPluginNames.MySqlNativePassword, CachingSha2PluginNames.CachingSha2Password, TotpPluginNames.Totp, KeyAuthPluginNames.SshKeyAuth,
    ];

    /// <summary>Every client plugin probe has for some protocol (what --plugin may name).</summary>
    public static readonly IReadOnlyList<string> KnownPlugins =
        [.. CommonPlugins, .. Protocols.ProtocolCatalogue.All.SelectMany(p => p.ExtraClientPlugins).Distinct(StringComparer.Ordinal)];

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
        if (settings.Url.Protocol.ExtraClientPlugins.Contains(PlainPluginNames.Plain, StringComparer.Ordinal))
        {
            // SASL servers (Dovecot 2.3) may offer nothing stronger than SCRAM-SHA-1; PLAIN sends the password
            // itself, so it is only registered where verify-full proves who receives it, and never when
            // channel binding is required (PLAIN cannot bind: it would log in without it).
            builder.AddScramSha1(o => o.ChannelBinding = settings.ChannelBinding);
            if (UsesPlain(settings))
            {
                builder.AddPlain();
            }
        }

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
            result = await settings.Url.Protocol.ProbeAsync(this, provider.GetRequiredService<IAuthNegotiatorFactory>(), credentials, deadline.Token).ConfigureAwait(false);
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
            await output.WriteLineAsync($"diagnosis: check that a {settings.Url.Protocol.DisplayName} server listens on {settings.Url.Host}:{settings.Url.Port.ToString(CultureInfo.InvariantCulture)} and that no firewall is in the way; raise --timeout for a slow network.").ConfigureAwait(false);
            return ExitCodes.CannotConnect;
        }

        await PrintTranscriptAsync().ConfigureAwait(false);
        await PrintNegotiationAsync().ConfigureAwait(false);
        var factors = string.Join(", ", result.Factors.Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.FactorIndex}: {f.PluginName}")));
        await output.WriteLineAsync($"result: {style.Green($"authenticated as {result.UserName}")} (factors {factors}; assurance level {result.AssuranceLevel.ToString(CultureInfo.InvariantCulture)}; {result.Rounds.ToString(CultureInfo.InvariantCulture)} round(s))").ConfigureAwait(false);
        return ExitCodes.Success;
    }

    public ProbeSettings Settings => settings;

    public bool AnyExchangeStarted => _recorder.Starts.Count > 0;

    public RemoteCertificateValidationCallback VerifyFull => Validate;

    public RemoteCertificateValidationCallback BySslMode => ValidateAny;

    /// <summary>The plugins probe registers for <paramref name="probe"/>'s protocol and options.</summary>
    public static IEnumerable<string> Registered(ProbeSettings probe)
    {
        ArgumentNullException.ThrowIfNull(probe);
        return CommonPlugins.Where(p => p != KeyAuthPluginNames.SshKeyAuth || probe.PrivateKeyPem is not null)
            .Concat(probe.Url.Protocol.ExtraClientPlugins.Where(p => p != PlainPluginNames.Plain || UsesPlain(probe)));
    }

    private static bool UsesPlain(ProbeSettings probe) =>
        probe.SslMode == ProbeSslMode.VerifyFull && probe.ChannelBinding != ScramChannelBinding.Require;

    public void Observe(Stream stream, TransportSecurity transport) => _tls.Observe(stream, transport);

    public Task NoteAsync(string line) => output.WriteLineAsync("  " + line);

    public X509Certificate2? ApplyTls(AdapterClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.TlsMode = settings.SslMode switch
        {
            ProbeSslMode.Disable => ClientTlsMode.Disable,
            ProbeSslMode.Prefer => ClientTlsMode.Prefer,
            ProbeSslMode.Require => ClientTlsMode.Require,
            _ => ClientTlsMode.VerifyFull,
        };
        options.TargetHost = settings.Url.Host;
        options.Timeout = settings.Timeout;
        options.RemoteCertificateValidationCallback = ValidateAny;
        if (settings.SslMode != ProbeSslMode.VerifyFull || settings.CaCertificatePem is not { } caPem)
        {
            return null;
        }

        var ca = X509Certificate2.CreateFromPem(caPem);
        options.TrustedRootCertificates.Add(ca);
        return ca;
    }

    private IEnumerable<string> Registered() => Registered(settings);

    public async Task<TcpClient> ConnectAsync(CancellationToken cancellationToken)
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
            return settings.Url.Protocol.UnofferedChoice;
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
