namespace Handshake;

/// <summary>Client-side rules the negotiator enforces for every plugin. Validated at start-up.</summary>
public sealed class HandshakeOptions
{
    /// <summary>Gets or sets the most rounds (plugin answers) one handshake may take, across all factors. Default 32.</summary>
    public int MaxRounds { get; set; } = 32;

    /// <summary>Gets or sets the most plugin switches one handshake may take (a server switching in a loop is cut off). Default 4.</summary>
    public int MaxPluginSwitches { get; set; } = 4;

    /// <summary>Gets or sets the most factors this client will go through (1 to 3). Default 3.</summary>
    public int MaxFactors { get; set; } = AuthCredentials.MaxFactors;

    /// <summary>Gets or sets how long one round may take (a plugin's answer, or the server's next event under <c>RunAsync</c>). Default 15 s.</summary>
    public TimeSpan RoundTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Gets or sets how long the whole handshake may take. Default 60 s.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets the plugin names the client may use; empty means every registered plugin.</summary>
    public ISet<string> AllowedPlugins { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Gets the plugin names the client refuses even when registered (e.g. "mysql_clear_password").</summary>
    public ISet<string> DeniedPlugins { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// Gets the client's ranking for offered mechanisms, most preferred first. When not empty, only
    /// the listed mechanisms may be chosen from an offer. When empty, plugins rank themselves.
    /// </summary>
    public IList<string> MechanismPreference { get; } = [];

    /// <summary>
    /// Gets or sets a value indicating whether plugins may send a secret in the clear over a
    /// transport that is not TLS with a verified certificate (nor a trusted local socket). Default false.
    /// </summary>
    public bool AllowCleartextWithoutVerifiedTls { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether a server may declare success without running any
    /// authentication exchange (PostgreSQL's <c>trust</c>). Default false: libpq's <c>require_auth</c>, on by default.
    /// </summary>
    public bool AllowUnauthenticatedSuccess { get; set; }
}
