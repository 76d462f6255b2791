using System.Security.Cryptography;
using System.Text;
using Handshake;

namespace Contoso.Handshake.PinHmac;

/// <summary>
/// "pin-hmac": the server sends a 32-byte nonce; the client answers HMAC-SHA256(SHA-256(pin), nonce || user).
/// The server stores "pin-hmac$" + base64 SHA-256(pin). A sample method, written only against the contracts.
/// </summary>
public static class PinHmac
{
    public const string Name = "pin-hmac";
    private const string Prefix = "pin-hmac$";

    public static StoredCredential Store(string pin) =>
        StoredCredential.FromString(Prefix + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(pin))));

    public static IHandshakeBuilder AddPinHmac(this IHandshakeBuilder builder) =>
        builder.AddPlugin<Client>().AddVerifier<Server>();

    internal static byte[] Answer(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, string user)
    {
        var message = new byte[nonce.Length + Encoding.UTF8.GetByteCount(user)];
        nonce.CopyTo(message);
        Encoding.UTF8.GetBytes(user, message.AsSpan(nonce.Length));
        return HMACSHA256.HashData(key, message);
    }

    public sealed class Client : IAuthPlugin
    {
        public string Name => PinHmac.Name;

        // Only an HMAC keyed by the PIN leaves, so the engine may hand the PIN out on any transport.
        public AuthSecretUse SecretUse => AuthSecretUse.Derived;

        public IAuthExchange Start(AuthExchangeContext context) => new Exchange(context);

        private sealed class Exchange(AuthExchangeContext context) : IAuthExchange
        {
            private readonly AuthSecret _pin = context.RequireSecret();
            private byte[]? _answer;

            public ValueTask<AuthReply> RespondAsync(ReadOnlyMemory<byte> serverData, CancellationToken cancellationToken)
            {
                if (serverData.Length != 32 || _answer is not null)
                {
                    throw new HandshakeException(AuthErrorCode.ProtocolViolation, "pin-hmac expects one 32-byte nonce.", PinHmac.Name, context.FactorIndex);
                }

                Span<byte> key = stackalloc byte[32];
                SHA256.HashData(_pin.Bytes, key);
                _answer = Answer(key, serverData.Span, context.UserName);
                CryptographicOperations.ZeroMemory(key);
                return ValueTask.FromResult(AuthReply.Send(_answer));
            }

            public void OnServerAccepted(ReadOnlyMemory<byte> finalData)
            {
                if (_answer is null)
                {
                    throw new HandshakeException(AuthErrorCode.ServerSignatureMissing, "The server accepted before pin-hmac ran.", PinHmac.Name, context.FactorIndex);
                }
            }

            public void Dispose()
            {
                if (_answer is not null)
                {
                    CryptographicOperations.ZeroMemory(_answer);
                }
            }
        }
    }

    public sealed class Server : IAuthVerifier
    {
        public string Name => PinHmac.Name;

        public IVerifierExchange Start(VerifierContext context) => new Exchange(context);

        private sealed class Exchange(VerifierContext context) : IVerifierExchange
        {
            private readonly byte[] _nonce = new byte[32];

            public ValueTask<ReadOnlyMemory<byte>> BeginAsync(CancellationToken cancellationToken)
            {
                context.Random.Fill(_nonce);
                return ValueTask.FromResult<ReadOnlyMemory<byte>>(_nonce);
            }

            public async ValueTask<VerifierStep> ProcessAsync(ReadOnlyMemory<byte> clientData, CancellationToken cancellationToken)
            {
                var stored = await context.GetStoredCredentialAsync(cancellationToken).ConfigureAwait(false);
                var key = new byte[32];
                var known = stored is not null && stored.Value.StartsWith(Prefix, StringComparison.Ordinal)
                    && Convert.TryFromBase64String(stored.Value[Prefix.Length..], key, out var n) && n == 32;
                if (!known)
                {
                    RandomNumberGenerator.Fill(key);   // an unknown user does the same work and fails the same way
                }

                var expected = Answer(key, _nonce, context.UserName ?? string.Empty);
                var ok = known && CryptographicOperations.FixedTimeEquals(expected, clientData.Span);
                CryptographicOperations.ZeroMemory(key);
                return ok ? VerifierStep.Accept() : VerifierStep.Reject(AuthErrorCode.InvalidCredential, "the nonce answer did not verify");
            }

            public void Dispose()
            {
            }
        }
    }
}
