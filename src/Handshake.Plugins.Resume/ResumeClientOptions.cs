namespace Handshake.Plugins.Resume;

/// <summary>Client-side settings of the resume plugin. Validated at start-up.</summary>
public sealed class ResumeClientOptions
{
    /// <summary>
    /// The <see cref="AuthExchangeContext.Properties"/> key of a per-connection server identity (a
    /// string: host:port, or the certificate's subject) that overrides <see cref="ServerIdentity"/>.
    /// </summary>
    public const string ServerIdentityProperty = "Handshake.Resume.ServerIdentity";

    /// <summary>
    /// Gets or sets which server the tokens belong to, when not given per connection by
    /// <see cref="ServerIdentityProperty"/>. Tokens are cached by (server, user) and only ever
    /// presented to the server that issued them. With neither, the plugin is never chosen.
    /// </summary>
    public string? ServerIdentity { get; set; }

    /// <summary>Gets or sets the offer preference when a token is cached (above SCRAM's, so resumption is tried first). Default 1000.</summary>
    public int Preference { get; set; } = 1000;
}
