using System.Security.Cryptography.X509Certificates;

namespace Handshake.Testing.Conformance.Adapters;

/// <summary>What one conformance run asks of an adapter: TLS, the certificate, limits and deadlines.</summary>
public sealed class AdapterScenario
{
    /// <summary>Gets the TLS arrangement.</summary>
    public AdapterTlsMode Tls { get; init; }

    /// <summary>Gets the server's certificate (CN=localhost, SAN 127.0.0.1); the client trusts exactly it.</summary>
    public required X509Certificate2 Certificate { get; init; }

    /// <summary>Gets the first-message deadline both roles must apply.</summary>
    public TimeSpan FirstMessageTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets the per-round deadline both roles must apply.</summary>
    public TimeSpan RoundTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets the whole-phase deadline both roles must apply (<see cref="AdapterClientOptions.Timeout"/>, <see cref="AdapterAcceptorOptions.AuthenticationTimeout"/>).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets how long the server lets an authenticated session stay silent (<see cref="AdapterAcceptorOptions.IdleTimeout"/>).</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets what serves the session after a successful login (<see cref="AdapterAcceptorOptions.SessionHandler"/>); null: the adapter's own.</summary>
    public AdapterSessionHandler? SessionHandler { get; init; }

    /// <summary>Gets what the client demands of TLS when <see cref="Tls"/> is not <see cref="AdapterTlsMode.None"/>. Default <see cref="Handshake.ClientTlsMode.VerifyFull"/>.</summary>
    public ClientTlsMode ClientTlsMode { get; init; } = ClientTlsMode.VerifyFull;

    /// <summary>Gets a value indicating whether the client trusts <see cref="Certificate"/> as a root (its only one). Default true; false makes the certificate untrusted.</summary>
    public bool TrustServerCertificate { get; init; } = true;

    /// <summary>Gets the largest message (line, packet) the server must accept; larger is a protocol violation.</summary>
    public int MaxMessageLength { get; init; } = 4096;
}
