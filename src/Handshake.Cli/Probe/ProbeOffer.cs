namespace Handshake.Cli.Probe;

/// <summary>The mechanisms a server offered (SASL-style protocols) and the transport they were offered over.</summary>
internal sealed record ProbeOffer(IReadOnlyList<string> Mechanisms, TransportSecurity Transport);
