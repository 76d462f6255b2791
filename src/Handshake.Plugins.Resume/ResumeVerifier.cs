using Handshake.Plugins.Resume.Internal;
using Microsoft.Extensions.Options;

namespace Handshake.Plugins.Resume;

/// <summary>
/// The server side of session resumption. Register it as an alternative first factor
/// (<c>AcceptorOptions.AlternativeFirstPlugins</c>; <c>AddResumeVerifier</c> does) and use
/// <c>AcceptorStartMode.Offer</c>: the acceptor then offers "resume" next to the user's own
/// mechanisms. A valid token is accepted once: it is marked used, its successor stored in the same
/// family and sent in the final data, and the handshake completes without the user's other factors.
/// Any refusal (unknown, expired, inactive, revoked, reused) is a Decline: the client is switched to
/// the user's full chain in the same connection. The original login's assurance level is reported
/// through <see cref="ResumedSession"/>, not <see cref="AuthResult.AssuranceLevel"/> (which shows 1).
/// </summary>
public sealed class ResumeVerifier : IAuthVerifier
{
    private readonly Func<ResumeServerOptions> _options;
    private readonly IResumeTokenStore _store;

    /// <summary>Creates the verifier as <see cref="ResumePluginNames.Resume"/>, with fixed rules.</summary>
    /// <param name="options">The rules.</param>
    /// <param name="store">Where tokens are kept.</param>
    public ResumeVerifier(IOptions<ResumeServerOptions> options, IResumeTokenStore store)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        Name = ResumePluginNames.Resume;
        _options = () => options.Value;
        _store = store;
    }

    /// <summary>Creates the verifier under <paramref name="name"/>; the rules of that name are read for each exchange.</summary>
    /// <param name="name">The verifier name, also the name of its options.</param>
    /// <param name="options">The rules monitor.</param>
    /// <param name="store">Where tokens are kept.</param>
    public ResumeVerifier(string name, IOptionsMonitor<ResumeServerOptions> options, IResumeTokenStore store)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        Name = name;
        _options = () => options.Get(name);
        _store = store;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public IVerifierExchange Start(VerifierContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new ResumeVerifierExchange(context, _options(), _store);
    }
}
