namespace Handshake.Cli.Probe;

/// <summary>One exchange a client plugin started: which factor, which mechanism, what was offered, over what.</summary>
internal sealed record ProbeStart(int FactorIndex, string PluginName, IReadOnlyList<string> Offered, TransportSecurity Transport);
