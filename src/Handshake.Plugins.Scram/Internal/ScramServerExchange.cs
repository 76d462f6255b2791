using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Handshake.Plugins.Scram.Internal;

/// <summary>
/// The server's side of one SCRAM exchange (RFC 5802 §5). It holds only StoredKey and ServerKey:
/// no PBKDF2 runs here. An unknown user gets a fake exchange with a salt that is stable per user
/// name, and fails exactly as a wrong password does.
/// </summary>
internal sealed class ScramServerExchange : IVerifierExchange, IPassThroughCredentialSource
{
    private const int ServerNonceByteCount = 18;
    private const string ProofFailed = "the client's SCRAM proof did not verify";
    private const int MaxHashLength = 64;
    private const int StackAuthMessageLength = 1024;

    private readonly VerifierContext _context;
    private readonly ScramHash _hash;
    private readonly ScramVerifierOptions _options;
    private readonly byte[] _unknownUserKey;
    private readonly Func<IRandomSource, string>? _nonceFactory;
    private byte[]? _clientFirstBare;
    private byte[]? _serverFirst;
    private byte[]? _nonce;
    private byte[]? _expectedChannelBinding;
    private ScramServerKeys? _keys;
    private bool _fake;
    private PassThroughCredential? _passThrough;
    private State _state;

    public ScramServerExchange(VerifierContext context, ScramHash hash, ScramVerifierOptions options, byte[] unknownUserKey, Func<IRandomSource, string>? nonceFactory = null)
    {
        _context = context;
        _hash = hash;
        _options = options;
        _unknownUserKey = unknownUserKey;
        _nonceFactory = nonceFactory;
    }

    private enum State
    {
        ClientFirst,
        ClientFinal,
        Done,
    }

    /// <summary>Whether the server can bind over this transport: it holds a certificate whose signature algorithm defines a binding hash.</summary>
    public static byte[]? ServerBindingData(TransportSecurity transport) =>
        transport.IsEncrypted ? transport.GetTlsServerEndPointBinding() : null;

    public ValueTask<ReadOnlyMemory<byte>> BeginAsync(CancellationToken cancellationToken) => ValueTask.FromResult(ReadOnlyMemory<byte>.Empty);

    public async ValueTask<VerifierStep> ProcessAsync(ReadOnlyMemory<byte> clientData, CancellationToken cancellationToken)
    {
        try
        {
            switch (_state)
            {
                case State.ClientFirst:
                    var authzid = ParseClientFirst(clientData.Span, out var name);
                    await NameUserAsync(name, cancellationToken).ConfigureAwait(false);
                    CheckAuthorizationIdentity(authzid);
                    var stored = await _context.GetStoredCredentialAsync(cancellationToken).ConfigureAwait(false);
                    return ServerFirst(stored);
                case State.ClientFinal:
                    _state = State.Done;
                    return ClientFinal(clientData.Span);
                default:
                    return VerifierStep.Reject(AuthErrorCode.ProtocolViolation, "the client sent data after the SCRAM exchange ended");
            }
        }
        catch (HandshakeException ex)
        {
            _state = State.Done;
            Wipe();
            return VerifierStep.Reject(ex.Code, ex.Message);
        }
    }

    public void Dispose()
    {
        Wipe();
        _passThrough?.Dispose();
        _passThrough = null;
    }

    public PassThroughCredential? TakePassThroughCredential()
    {
        var taken = _passThrough;
        _passThrough = null;
        return taken;
    }

    private static HandshakeException Violation(AuthErrorCode code, string message) => new(code, message);

    /// <summary>Parses client-first; returns the authorization identity (a=) when one was sent, and the user name of n= (unescaped, RFC 5802 §5.1).</summary>
    private string? ParseClientFirst(ReadOnlySpan<byte> message, out string name)
    {
        if (message.IsEmpty || message.Length > ScramText.MaxMessageLength)
        {
            throw Violation(AuthErrorCode.ProtocolViolation, $"the client-first message is empty or longer than {ScramText.MaxMessageLength} bytes");
        }

        // gs2-header = gs2-cbind-flag "," [ authzid ] "," (RFC 5802 §7).
        var rest = message;
        var flag = ScramText.NextField(ref rest, out var more);
        var authzid = more ? ScramText.NextField(ref rest, out more) : default;
        if (!more)
        {
            throw Violation(AuthErrorCode.ProtocolViolation, "the client-first message has no complete GS2 header");
        }

        var gs2Length = message.Length - rest.Length;
        var plus = string.Equals(_context.Mechanism, _hash.PlusMechanismName, StringComparison.Ordinal);
        if (!plus && !string.Equals(_context.Mechanism, _hash.MechanismName, StringComparison.Ordinal))
        {
            throw Violation(AuthErrorCode.ProtocolViolation, $"mechanism '{_context.Mechanism}' is not run by this verifier");
        }

        var serverBinding = ServerBindingData(_context.Transport);

        // "Supports channel binding" in RFC 5802 §6 is what this server advertised: -PLUS in its offer.
        // A server that named the plain mechanism directly (no offer) advertised nothing, so 'y' is then honest.
        var advertisedBinding = serverBinding is not null && _context.OfferedMechanisms.Contains(_hash.PlusMechanismName, StringComparer.Ordinal);
        CheckChannelBindingFlag(flag, plus, serverBinding, advertisedBinding);
        var authorizationIdentity = ParseAuthorizationIdentity(authzid);

        // client-first-message-bare = [reserved-mext ","] username "," nonce ["," extensions].
        var bareSpan = rest;
        var field = ScramText.NextField(ref rest, out more);
        if (ScramText.TryAttribute(field, 'm', out _))
        {
            throw Violation(AuthErrorCode.ProtocolViolation, "the client sent a mandatory extension (m=), which is not supported");
        }

        if (!ScramText.TryAttribute(field, 'n', out var nameText) || !more || ScramText.UnescapeSaslName(nameText) is not { } userName)
        {
            throw Violation(AuthErrorCode.ProtocolViolation, "the client-first message has no valid user name (n=)");
        }

        name = userName;

        field = ScramText.NextField(ref rest, out more);
        if (!ScramText.TryAttribute(field, 'r', out var nonce) || !ScramText.IsValidNonce(nonce))
        {
            throw Violation(AuthErrorCode.ProtocolViolation, "the client-first message has no valid nonce (r=)");
        }

        if (more)
        {
            throw Violation(AuthErrorCode.ProtocolViolation, "the client-first message has unexpected data after the nonce");
        }

        _clientFirstBare = bareSpan.ToArray();

        // c= must later carry exactly this GS2 header, plus this server's binding data under -PLUS (RFC 5802 §6).
        _expectedChannelBinding = plus ? [.. message[..gs2Length], .. serverBinding!] : message[..gs2Length].ToArray();
        _nonce = _nonceFactory is null ? NewCombinedNonce(nonce, _context.Random) : [.. nonce, .. Encoding.ASCII.GetBytes(_nonceFactory(_context.Random))];
        if (!ScramText.IsValidNonce(_nonce))
        {
            throw new InvalidOperationException("The nonce source produced an invalid SCRAM nonce.");
        }

        return authorizationIdentity;
    }

    private async ValueTask NameUserAsync(string name, CancellationToken cancellationToken)
    {
        // PostgreSQL clients take the user from the startup message and put a placeholder here: libpq an
        // empty n=, node-postgres and Npgsql "n=*". PostgreSQL ignores the field (auth-scram.c,
        // read_client_first_message); a real name given must be this user.
        var placeholder = name.Length == 0 || name == "*";
        if (_context.UserName is { } user)
        {
            if (!placeholder && !string.Equals(name, user, StringComparison.Ordinal))
            {
                throw Violation(AuthErrorCode.ProtocolViolation, "the SCRAM user name differs from the user authenticating");
            }

            return;
        }

        // IMAP and SMTP name nobody before the mechanism: n= is the user. RFC 5802 §5.1 has the client
        // SASLprep it; preparing again is idempotent, and it maps what a client left unprepared.
        if (placeholder)
        {
            throw Violation(AuthErrorCode.ProtocolViolation, "the client-first message names no user (n=), and the protocol did not name one");
        }

        if (!SaslPrep.TryPrepare(name, out var prepared) || string.IsNullOrEmpty(prepared))
        {
            throw Violation(AuthErrorCode.ProtocolViolation, "the SCRAM user name (n=) is refused by SASLprep (RFC 4013)");
        }

        await _context.IdentifyUserAsync(prepared, cancellationToken).ConfigureAwait(false);
    }

    private static void CheckChannelBindingFlag(ReadOnlySpan<byte> flag, bool plus, byte[]? serverBinding, bool advertisedBinding)
    {
        if (ScramText.TryAttribute(flag, 'p', out var bindingName))
        {
            if (!plus)
            {
                throw Violation(AuthErrorCode.ChannelBindingFailure, "the client asked for channel binding (p=) with a mechanism that has none (not -PLUS)");
            }

            if (!bindingName.SequenceEqual(Encoding.ASCII.GetBytes(TransportSecurity.TlsServerEndPointType)))
            {
                throw Violation(AuthErrorCode.ChannelBindingFailure, $"the client asked for channel binding type '{PeerText.Printable(bindingName, 40)}'; only tls-server-end-point is supported");
            }

            if (serverBinding is null)
            {
                throw Violation(AuthErrorCode.ChannelBindingFailure, "the client asked for channel binding, but this transport has no server certificate with a binding hash");
            }

            return;
        }

        if (plus)
        {
            throw Violation(AuthErrorCode.ChannelBindingFailure, "the client chose a -PLUS mechanism without asking for channel binding (p=)");
        }

        if (flag.SequenceEqual("y"u8))
        {
            // RFC 5802 §6: 'y' says "I could bind but you don't seem to". This server can: a downgrade.
            if (advertisedBinding)
            {
                throw Violation(AuthErrorCode.ChannelBindingFailure, "the client said the server does not support channel binding (y), but this server offered -PLUS: a possible downgrade attack");
            }

            return;
        }

        if (!flag.SequenceEqual("n"u8))
        {
            throw Violation(AuthErrorCode.ProtocolViolation, "the client-first message has an invalid channel-binding flag");
        }
    }

    private static string? ParseAuthorizationIdentity(ReadOnlySpan<byte> authzid)
    {
        if (authzid.IsEmpty)
        {
            return null;
        }

        if (!ScramText.TryAttribute(authzid, 'a', out var value) || ScramText.UnescapeSaslName(value) is not { } identity)
        {
            throw Violation(AuthErrorCode.ProtocolViolation, "the GS2 header has an invalid authorization identity");
        }

        return identity;
    }

    private void CheckAuthorizationIdentity(string? identity)
    {
        if (identity is null)
        {
            return;
        }

        if (!_options.AllowAuthorizationIdentity)
        {
            throw Violation(AuthErrorCode.PolicyViolation, "the client sent an authorization identity (a=), which is not allowed (ScramVerifierOptions.AllowAuthorizationIdentity)");
        }

        if (!string.Equals(identity, _context.UserName, StringComparison.Ordinal))
        {
            throw Violation(AuthErrorCode.PolicyViolation, "the authorization identity (a=) differs from the authenticating user");
        }
    }

    private VerifierStep ServerFirst(StoredCredential? stored)
    {
        byte[] saltAndIterations;
        if (stored is null)
        {
            // Unknown user: a salt derived from the server's unknown-user key and the name (stable across
            // attempts, restarts and a fleet's instances, so probing cannot tell it from a real one), the
            // iteration count real credentials have, keys no proof can match.
            _fake = true;
            var mac = ServerSecrets.DeriveForUnknownUser(_unknownUserKey, _hash.MechanismName + " salt", _context.UserName ?? string.Empty);
            saltAndIterations = ScramServerKeys.FormatSaltAndIterations(mac.AsSpan(0, ScramCredential.DefaultSaltLength), _options.UnknownUserIterations);
            _keys = ScramServerKeys.FakeFor(_hash);
        }
        else
        {
            _keys = ScramServerKeys.Load(stored, _hash);
            saltAndIterations = _keys.SaltAndIterations;
        }

        // server-first-message = "r=" nonce "," "s=" salt "," "i=" iteration-count (RFC 5802 §7).
        var serverFirst = new byte[2 + _nonce!.Length + saltAndIterations.Length];
        "r="u8.CopyTo(serverFirst);
        _nonce.CopyTo(serverFirst.AsSpan(2));
        saltAndIterations.CopyTo(serverFirst.AsSpan(2 + _nonce.Length));
        _serverFirst = serverFirst;
        _state = State.ClientFinal;
        return VerifierStep.Continue(_serverFirst);
    }

    private VerifierStep ClientFinal(ReadOnlySpan<byte> message)
    {
        if (message.IsEmpty || message.Length > ScramText.MaxMessageLength || !ScramText.IsPrintableAscii(message))
        {
            throw Violation(AuthErrorCode.ProtocolViolation, $"the client-final message is empty, longer than {ScramText.MaxMessageLength} bytes, or not printable ASCII");
        }

        // client-final-message = channel-binding "," nonce ["," extensions] "," proof (RFC 5802 §7).
        var proofAt = message.LastIndexOf(",p="u8);
        if (proofAt < 0)
        {
            throw Violation(AuthErrorCode.ProtocolViolation, "the client-final message has no proof (p=)");
        }

        var withoutProof = message[..proofAt];
        var rest = withoutProof;
        var field = ScramText.NextField(ref rest, out var more);
        if (!ScramText.TryAttribute(field, 'c', out var bindingText) || !more)
        {
            throw Violation(AuthErrorCode.ProtocolViolation, "the client-final message must start with valid channel-binding data (c=)");
        }

        // GS2 header plus at most a 64-byte binding hash for a real client; a longer c= is decoded on the heap.
        var bindingCapacity = Base64.GetMaxDecodedFromUtf8Length(bindingText.Length);
        Span<byte> binding = bindingCapacity <= 256 ? stackalloc byte[256] : new byte[bindingCapacity];
        if (!ScramText.TryDecodeBase64(bindingText, binding, out var bindingLength))
        {
            throw Violation(AuthErrorCode.ProtocolViolation, "the client-final message must start with valid channel-binding data (c=)");
        }

        if (!CryptographicOperations.FixedTimeEquals(binding[..bindingLength], _expectedChannelBinding))
        {
            throw Violation(AuthErrorCode.ChannelBindingFailure, "the channel-binding data (c=) does not match the GS2 header and this server's certificate");
        }

        field = ScramText.NextField(ref rest, out more);
        if (!ScramText.TryAttribute(field, 'r', out var nonce) || nonce.Length != _nonce!.Length || !CryptographicOperations.FixedTimeEquals(nonce, _nonce))
        {
            throw Violation(AuthErrorCode.NonceMismatch, "the client-final nonce (r=) is not the combined nonce of this exchange");
        }

        if (more)
        {
            throw Violation(AuthErrorCode.ProtocolViolation, "the client-final message has unexpected extensions");
        }

        Span<byte> proof = stackalloc byte[MaxHashLength];
        if (!ScramText.TryDecodeBase64(message[(proofAt + 3)..], proof, out var proofLength) || proofLength != _hash.Length)
        {
            throw Violation(AuthErrorCode.ProtocolViolation, "the client's proof (p=) is not base64 of the hash length");
        }

        // AuthMessage = client-first-message-bare "," server-first-message "," client-final-message-without-proof (RFC 5802 §3).
        var authLength = _clientFirstBare!.Length + 1 + _serverFirst!.Length + 1 + withoutProof.Length;
        var rented = authLength <= StackAuthMessageLength ? null : ArrayPool<byte>.Shared.Rent(authLength);
        Span<byte> authMessage = rented is null ? stackalloc byte[StackAuthMessageLength] : rented;
        authMessage = authMessage[..authLength];
        _clientFirstBare.CopyTo(authMessage);
        authMessage[_clientFirstBare.Length] = (byte)',';
        _serverFirst.CopyTo(authMessage[(_clientFirstBare.Length + 1)..]);
        authMessage[_clientFirstBare.Length + 1 + _serverFirst.Length] = (byte)',';
        withoutProof.CopyTo(authMessage[(_clientFirstBare.Length + 2 + _serverFirst.Length)..]);

        var keys = _keys!;
        Span<byte> clientKey = stackalloc byte[MaxHashLength];
        Span<byte> computedStoredKey = stackalloc byte[MaxHashLength];
        try
        {
            // ClientKey = ClientProof XOR HMAC(StoredKey, AuthMessage); it is right when H(ClientKey) = StoredKey (RFC 5802 §3).
            clientKey = clientKey[.._hash.Length];
            keys.StoredKeyMac.Compute(authMessage, clientKey);
            for (var i = 0; i < clientKey.Length; i++)
            {
                clientKey[i] ^= proof[i];
            }

            computedStoredKey = computedStoredKey[.._hash.Length];
            _hash.Hash(clientKey, computedStoredKey);
            var valid = CryptographicOperations.FixedTimeEquals(computedStoredKey, keys.StoredKey);
            if (!valid || _fake)
            {
                return VerifierStep.Reject(AuthErrorCode.InvalidCredential, ProofFailed);
            }

            // server-final-message = "v=" base64(ServerSignature), ServerSignature = HMAC(ServerKey, AuthMessage).
            Span<byte> signature = stackalloc byte[MaxHashLength];
            keys.ServerKeyMac.Compute(authMessage, signature);
            var serverFinal = new byte[2 + Base64.GetMaxEncodedToUtf8Length(_hash.Length)];
            "v="u8.CopyTo(serverFinal);
            _ = Base64.EncodeToUtf8(signature[.._hash.Length], serverFinal.AsSpan(2), out _, out _);
            CryptographicOperations.ZeroMemory(signature);
            if (_options.RecoverPassThroughKey && keys.Credential is { } credential)
            {
                // Only now, after H(ClientKey) = StoredKey held: the recovered ClientKey is the user's (RFC 5802 §3).
                _passThrough = PassThroughCredential.ForScram(_hash.MechanismName, _context.UserName ?? string.Empty, _hash.Algorithm, clientKey, credential.ServerKey.Span, credential.Salt.Span, credential.Iterations);
            }

            return VerifierStep.Accept(serverFinal);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(clientKey);
            CryptographicOperations.ZeroMemory(computedStoredKey);
            CryptographicOperations.ZeroMemory(proof);
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }

            Wipe();
        }
    }

    /// <summary>The client's nonce followed by 18 random bytes in base64 (24 characters, never a ',').</summary>
    private static byte[] NewCombinedNonce(ReadOnlySpan<byte> clientNonce, IRandomSource random)
    {
        Span<byte> bytes = stackalloc byte[ServerNonceByteCount];
        random.Fill(bytes);
        var combined = new byte[clientNonce.Length + Base64.GetMaxEncodedToUtf8Length(ServerNonceByteCount)];
        clientNonce.CopyTo(combined);
        _ = Base64.EncodeToUtf8(bytes, combined.AsSpan(clientNonce.Length), out _, out _);
        return combined;
    }

    /// <summary>Drops the reference to the prepared keys: they belong to the stored credential, not to this exchange.</summary>
    private void Wipe() => _keys = null;
}
