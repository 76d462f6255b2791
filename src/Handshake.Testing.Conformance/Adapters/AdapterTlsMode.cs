namespace Handshake.Testing.Conformance.Adapters;

/// <summary>The TLS arrangements an adapter may support, named without any protocol's words.</summary>
public enum AdapterTlsMode
{
    /// <summary>Plain TCP throughout.</summary>
    None = 0,

    /// <summary>Plain TCP upgraded in-band (STARTTLS, SSLRequest, the MySQL SSL request).</summary>
    Upgrade = 1,

    /// <summary>TLS from the first byte.</summary>
    Implicit = 2,
}
