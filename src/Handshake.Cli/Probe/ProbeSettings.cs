using Handshake.Plugins.Scram;

namespace Handshake.Cli.Probe;

/// <summary>Everything the probe command line said, validated.</summary>
internal sealed record ProbeSettings(
    ProbeUrl Url,
    ProbeSslMode SslMode,
    ScramChannelBinding ChannelBinding,
    string? Plugin,
    TimeSpan Timeout,
    string? CaCertificatePem,
    string? PrivateKeyPem)
{
    public static string Name(ProbeSslMode mode) => mode switch
    {
        ProbeSslMode.Disable => "disable",
        ProbeSslMode.Prefer => "prefer",
        ProbeSslMode.Require => "require",
        _ => "verify-full",
    };

    public static string Name(ScramChannelBinding mode) => mode switch
    {
        ScramChannelBinding.Disable => "disable",
        ScramChannelBinding.Require => "require",
        _ => "prefer",
    };
}
