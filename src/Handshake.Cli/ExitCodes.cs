namespace Handshake.Cli;

/// <summary>
/// The documented exit codes of the <c>handshake</c> command, in one place so every command
/// (demo, verifier, and probe/serve when they come) answers the same way.
/// </summary>
internal static class ExitCodes
{
    /// <summary>Done; for probe: authenticated.</summary>
    public const int Success = 0;

    /// <summary>An unexpected failure (a bug, or a demo page that did not behave as it promises).</summary>
    public const int Failure = 1;

    /// <summary>The command line or its input was wrong: unknown page, bad option, no password on standard input, no secret for a factor the server asked for.</summary>
    public const int Usage = 2;

    /// <summary>The peer refused the credentials (wrong password, unknown user, locked out).</summary>
    public const int Rejected = 3;

    /// <summary>The peer broke the protocol or a security rule (missing or wrong server signature, downgrade, channel binding).</summary>
    public const int Violation = 4;

    /// <summary>No connection could be made, or it broke before the handshake ended.</summary>
    public const int CannotConnect = 5;

    /// <summary>Maps a handshake error to the exit code a script can act on.</summary>
    /// <param name="code">The error code.</param>
    /// <returns>The exit code.</returns>
    public static int For(AuthErrorCode code) => code switch
    {
        AuthErrorCode.ServerRejected or AuthErrorCode.InvalidCredential or AuthErrorCode.LockedOut
            or AuthErrorCode.KeyUnavailable => Rejected,

        // No secret was given for a factor: nothing was sent for it, so no server rejected anything.
        AuthErrorCode.MissingCredential => Usage,
        AuthErrorCode.TransportFailure or AuthErrorCode.Timeout => CannotConnect,
        AuthErrorCode.Unspecified or AuthErrorCode.PluginFailure => Failure,
        _ => Violation,
    };
}
