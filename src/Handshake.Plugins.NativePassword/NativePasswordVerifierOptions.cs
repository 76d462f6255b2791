namespace Handshake.Plugins.NativePassword;

/// <summary>Server-side mysql_native_password settings.</summary>
public sealed class NativePasswordVerifierOptions
{
    /// <summary>
    /// Gets or sets a value indicating whether a verified login hands the application SHA1(password),
    /// recovered as response XOR SHA1(scramble || SHA1(SHA1(password))), as
    /// <see cref="AuthResult.PassThroughCredential"/>: what a proxy needs to answer a backend's scramble
    /// for the same account without the password. Nothing is recovered for an account without a password. Default false.
    /// </summary>
    /// <remarks>
    /// SHA1(password) logs in to every server that stores SHA1(SHA1(password)) for the user: turn it on only in
    /// a proxy, and dispose the credential when the backend login is done.
    /// </remarks>
    public bool RecoverPassThroughKey { get; set; }
}
