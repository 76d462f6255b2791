using Handshake.Mfa.Internal;
using Microsoft.Extensions.Options;

namespace Handshake.Mfa;

/// <summary>
/// The server side of the TOTP factor (RFC 6238). The stored credential is either a bare base32
/// secret (checked with <see cref="TotpVerifierOptions.DefaultParameters"/>) or a Key URI,
/// <c>otpauth://totp/Issuer:account?secret=BASE32&amp;algorithm=SHA1&amp;digits=6&amp;period=30</c>
/// (what <see cref="TotpEnrollment.CreateUri"/> builds; missing parameters take the defaults).
/// A code is accepted for the current step or within <see cref="TotpVerifierOptions.AllowedSkewSteps"/>;
/// a step at or before one already accepted for the user is refused (<see cref="AuthErrorCode.ReplayDetected"/>);
/// consecutive failures lock the factor (<see cref="AuthErrorCode.LockedOut"/>). State lives in <see cref="ITotpStateStore"/>.
/// </summary>
public sealed class TotpVerifier : IAuthVerifier
{
    private readonly Func<TotpVerifierOptions> _options;
    private readonly ITotpStateStore _state;

    /// <summary>Creates the verifier as <see cref="TotpPluginNames.Totp"/>, with fixed options.</summary>
    /// <param name="options">The options.</param>
    /// <param name="state">The replay and lockout state.</param>
    public TotpVerifier(IOptions<TotpVerifierOptions> options, ITotpStateStore state)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(state);
        Name = TotpPluginNames.Totp;
        _options = () => options.Value;
        _state = state;
    }

    /// <summary>Creates the verifier under <paramref name="name"/>; each exchange reads the options of that name as they are then.</summary>
    /// <param name="name">The verifier name, also the name of its options.</param>
    /// <param name="options">The options monitor.</param>
    /// <param name="state">The replay and lockout state.</param>
    public TotpVerifier(string name, IOptionsMonitor<TotpVerifierOptions> options, ITotpStateStore state)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(state);
        Name = name;
        _options = () => options.Get(name);
        _state = state;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public IVerifierExchange Start(VerifierContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new TotpVerifierExchange(context, _options(), _state);
    }
}
