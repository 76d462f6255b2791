using System.Security.Cryptography;
using System.Text;

namespace Handshake.Testing;

/// <summary>
/// A small challenge-response method written entirely with the delegate API, for demos and engine
/// tests: the server sends 32 random bytes; the client answers HMAC-SHA256(SHA-256(password),
/// challenge || user). The stored form (<c>hmac-challenge$</c> + base64 SHA-256 of the password)
/// is password-equivalent, so this is a teaching aid, not a method for production.
/// </summary>
public static class HmacChallengeHandshakeBuilderExtensions
{
    /// <summary>The default plugin name.</summary>
    public const string DefaultName = "hmac-challenge";

    private const string Prefix = "hmac-challenge$";
    private const int ChallengeLength = 32;

    /// <summary>Registers the client plugin and the verifier under <paramref name="name"/>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The plugin name.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddHmacChallenge(this IHandshakeBuilder builder, string name = DefaultName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddPlugin(name, AuthSecretUse.Derived, context =>
        {
            var secret = context.RequireSecret();
            return (challenge, _) =>
            {
                if (challenge.Length != ChallengeLength)
                {
                    throw new HandshakeException(AuthErrorCode.ProtocolViolation, $"The server's challenge has {challenge.Length} bytes; {ChallengeLength} were expected.", context.PluginName, context.FactorIndex);
                }

                Span<byte> key = stackalloc byte[SHA256.HashSizeInBytes];
                SHA256.HashData(secret.Bytes, key);
                var answer = Answer(key, challenge.Span, context.UserName);
                CryptographicOperations.ZeroMemory(key);
                return ValueTask.FromResult<ReadOnlyMemory<byte>>(answer);
            };
        });

        builder.AddVerifier(
            name,
            context =>
            {
                var challenge = new byte[ChallengeLength];
                context.Random.Fill(challenge);
                return challenge;
            },
            (context, challenge) => async (answer, ct) =>
            {
                var stored = await context.GetStoredCredentialAsync(ct).ConfigureAwait(false);

                // An unknown user is checked against a random key: the same work, the same rejection.
                var key = stored is not null && TryParse(stored.Value, out var parsed) ? parsed : RandomNumberGenerator.GetBytes(SHA256.HashSizeInBytes);
                var expected = Answer(key, challenge.Span, context.UserName ?? string.Empty);
                var ok = stored is not null && CryptographicOperations.FixedTimeEquals(expected, answer.Span);
                CryptographicOperations.ZeroMemory(key);
                return ok ? VerifierStep.Accept() : VerifierStep.Reject(AuthErrorCode.InvalidCredential, "the challenge answer did not verify");
            });
        return builder;
    }

    /// <summary>Makes the stored credential for a password.</summary>
    /// <param name="password">The password.</param>
    /// <returns>The stored credential.</returns>
    public static StoredCredential CreateStoredCredential(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        return StoredCredential.FromString(Prefix + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(password))));
    }

    private static bool TryParse(string stored, out byte[] key)
    {
        key = [];
        if (!stored.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var buffer = new byte[SHA256.HashSizeInBytes];
        if (!Convert.TryFromBase64String(stored[Prefix.Length..], buffer, out var written) || written != buffer.Length)
        {
            return false;
        }

        key = buffer;
        return true;
    }

    private static byte[] Answer(ReadOnlySpan<byte> key, ReadOnlySpan<byte> challenge, string userName)
    {
        var user = Encoding.UTF8.GetBytes(userName);
        var message = new byte[challenge.Length + user.Length];
        challenge.CopyTo(message);
        user.CopyTo(message.AsSpan(challenge.Length));
        return HMACSHA256.HashData(key, message);
    }
}
