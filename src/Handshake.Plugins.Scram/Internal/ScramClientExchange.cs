using System.Security.Cryptography;
using System.Text;

namespace Handshake.Plugins.Scram.Internal;

/// <summary>
/// The client's side of one SCRAM exchange (RFC 5802 §3, §5; RFC 7677), for any hash and with or
/// without channel binding. Rounds: (empty) -> client-first; server-first -> client-final;
/// server-final -> nothing (or the server-final arrives with the server's acceptance).
/// </summary>
internal sealed class ScramClientExchange : IAuthExchange
{
    /// <summary>Random bytes in a client nonce (base64-encoded: 32 printable chars).</summary>
    public const int NonceByteCount = 24;

    private readonly ScramHash _hash;
    private readonly bool _plus;
    private readonly ScramOptions _options;
    private readonly ScramKeyCache? _cache;
    private readonly IScramKeyDeriver _deriver;
    private readonly IKeyDerivationLimiter _keyDerivation;
    private readonly string _mechanism;
    private readonly int _factor;
    private readonly byte[] _gs2Header;
    private readonly byte[]? _channelBinding;
    private readonly byte[] _clientNonce;
    private readonly byte[] _userName;
    private byte[]? _password;

    // In place of the password, a pass-through key (ClientKey and ServerKey of a known salt and count): no PBKDF2 runs.
    private readonly string _user;
    private byte[]? _passThroughClientKey;
    private byte[]? _passThroughServerKey;
    private readonly byte[]? _passThroughSalt;
    private readonly int _passThroughIterations;
    private byte[]? _clientFirstBare;
    private byte[]? _clientFinal;
    private byte[]? _expectedServerSignature;
    private State _state;

    public ScramClientExchange(AuthExchangeContext context, ScramHash hash, bool plus, ScramOptions options, ScramKeyCache? cache, IScramKeyDeriver deriver, Func<IRandomSource, string>? nonceFactory = null)
    {
        _hash = hash;
        _plus = plus;
        _options = options;
        _cache = cache;
        _deriver = deriver;
        _keyDerivation = context.KeyDerivation;
        _mechanism = context.PluginName;
        _factor = context.FactorIndex;

        // RFC 5802 §6 and RFC 5929 §4.1: decide the GS2 channel-binding flag before anything leaves.
        var transport = context.Transport;
        if (plus)
        {
            if (options.ChannelBinding == ScramChannelBinding.Disable)
            {
                throw Fail(AuthErrorCode.ChannelBindingFailure, $"The server asked for {_mechanism}, but channel binding is disabled (ScramOptions.ChannelBinding = Disable).");
            }

            if (!transport.IsEncrypted || transport.ServerCertificate is null)
            {
                throw Fail(AuthErrorCode.ChannelBindingFailure, $"{_mechanism} binds to the TLS channel, but this transport ({transport}) has no TLS server certificate to bind to. Refusing to run -PLUS over it.");
            }

            _channelBinding = transport.GetTlsServerEndPointBinding()
                ?? throw Fail(AuthErrorCode.ChannelBindingFailure, $"The server certificate's signature algorithm ({transport.ServerCertificate.SignatureAlgorithm.FriendlyName ?? transport.ServerCertificate.SignatureAlgorithm.Value}) defines no hash for tls-server-end-point channel binding (RFC 5929 §4.1; e.g. Ed25519), so {_mechanism} cannot run. Use a certificate signed with RSA or ECDSA.");
            _gs2Header = Encoding.ASCII.GetBytes("p=" + TransportSecurity.TlsServerEndPointType + ",,");
        }
        else
        {
            if (options.ChannelBinding == ScramChannelBinding.Require)
            {
                throw Fail(AuthErrorCode.ChannelBindingFailure, $"Channel binding is required (ScramOptions.ChannelBinding = Require), but the server chose {_mechanism} without -PLUS. The server may not support channel binding, or someone in the middle removed it.");
            }

            // 'y': this client could bind but the server did not offer -PLUS; a server that did offer it
            // sees the downgrade (RFC 5802 §6). When -PLUS was offered and the plain mechanism was
            // chosen on purpose (ranks), the client simply does not bind: 'n', as libpq does.
            var couldBind = options.ChannelBinding != ScramChannelBinding.Disable && ClientCanBind(transport);
            var plusOffered = context.OfferedMechanisms.Contains(hash.PlusMechanismName, StringComparer.Ordinal);
            _gs2Header = couldBind && !plusOffered ? "y,,"u8.ToArray() : "n,,"u8.ToArray();
        }

        _user = context.UserName;
        var secret = context.RequireSecret();
        if (secret.PassThrough is { } passThrough)
        {
            if (passThrough.Key.Length != hash.Length || passThrough.ServerKey.Length != hash.Length || passThrough.Iterations < 1)
            {
                throw Fail(AuthErrorCode.PassThroughMismatch, $"The pass-through key for user '{_user}' is not a {hash.MechanismName} ClientKey and ServerKey ({hash.Length} bytes each, with a salt and iteration count); recover it with a {hash.MechanismName} verifier.");
            }

            _passThroughClientKey = Pinned(passThrough.Key);
            _passThroughServerKey = Pinned(passThrough.ServerKey);
            _passThroughSalt = passThrough.Salt.ToArray();
            _passThroughIterations = passThrough.Iterations;
        }
        else
        {
            _password = secret.Kind == AuthSecretKind.Text ? SaslPrep.PreparePassword(secret.Bytes) : secret.Bytes.ToArray();
        }

        var nonce = nonceFactory is null ? NewNonce(context.Random) : nonceFactory(context.Random);
        _clientNonce = Encoding.ASCII.GetBytes(nonce);
        if (!ScramText.IsValidNonce(_clientNonce))
        {
            throw new InvalidOperationException("The nonce source produced an invalid SCRAM nonce.");
        }

        _userName = options.SendEmptyUserName ? [] : Encoding.UTF8.GetBytes(ScramText.EscapeSaslName(context.UserName));
    }

    private enum State
    {
        Initial,
        AwaitServerFirst,
        AwaitServerFinal,
        Verified,
        Failed,
    }

    /// <summary>Whether the client could bind over this transport: TLS with a certificate whose signature algorithm defines a binding hash.</summary>
    public static bool ClientCanBind(TransportSecurity transport) =>
        transport.IsEncrypted && transport.GetTlsServerEndPointBinding() is not null;

    public ValueTask<AuthReply> RespondAsync(ReadOnlyMemory<byte> serverData, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            if (_state == State.AwaitServerFirst)
            {
                // Hi() costs ~1 ms of CPU: it runs under a slot of the process's limiter, so a storm of
                // logins queues instead of occupying every thread. A login that needs no derivation (a
                // derived-key cache hit, a pass-through key) answers without a slot, so cached reconnects
                // never queue behind cold derivations. Synchronous when a slot is free.
                if (ClientFinal(serverData.Span, derive: false) is { } withoutDerivation)
                {
                    return ValueTask.FromResult(withoutDerivation);
                }

                var slot = _keyDerivation.AcquireAsync(cancellationToken);
                if (!slot.IsCompletedSuccessfully)
                {
                    return ClientFinalWhenFreeAsync(slot, serverData);
                }

                using (slot.Result)
                {
                    return ValueTask.FromResult(ClientFinal(serverData.Span, derive: true)!.Value);
                }
            }

            return ValueTask.FromResult(_state switch
            {
                State.Initial => ClientFirst(serverData.Span),
                State.AwaitServerFinal => ServerFinal(serverData.Span),
                State.Verified => throw Fail(AuthErrorCode.ProtocolViolation, "The server sent more SCRAM data after its verified server-final message."),
                _ => throw Fail(AuthErrorCode.ProtocolViolation, "The SCRAM exchange already failed."),
            });
        }
        catch
        {
            _state = State.Failed;
            Wipe();
            throw;
        }
    }

    private async ValueTask<AuthReply> ClientFinalWhenFreeAsync(ValueTask<IDisposable> slot, ReadOnlyMemory<byte> serverFirst)
    {
        try
        {
            // Cancelled while queued (the handshake's deadline, the caller): the derivation never runs.
            using (await slot.ConfigureAwait(false))
            {
                return ClientFinal(serverFirst.Span, derive: true)!.Value;
            }
        }
        catch
        {
            _state = State.Failed;
            Wipe();
            throw;
        }
    }

    public void OnServerAccepted(ReadOnlyMemory<byte> finalData)
    {
        try
        {
            if (_options.ChannelBinding == ScramChannelBinding.Require && !_plus)
            {
                // libpq's check: under require, an OK that did not come from a -PLUS exchange is refused.
                throw Fail(AuthErrorCode.ChannelBindingFailure, "Channel binding is required, but the server accepted an exchange that did not use channel binding.");
            }

            if (!finalData.IsEmpty && _state is State.AwaitServerFinal or State.Verified)
            {
                _ = ServerFinal(finalData.Span);
            }

            if (_state != State.Verified)
            {
                throw Fail(
                    AuthErrorCode.ServerSignatureMissing,
                    "SCRAM-SERVER-FINAL-MESSAGE: server signature is missing. The server declared authentication successful without proving it knows the password's verifier (no v= server signature); refusing the connection, as it may not be the real server.");
            }
        }
        finally
        {
            Wipe();
        }
    }

    public void Dispose()
    {
        _state = _state == State.Verified ? State.Verified : State.Failed;
        Wipe();
    }

    private static string NewNonce(IRandomSource random)
    {
        Span<byte> bytes = stackalloc byte[NonceByteCount];
        random.Fill(bytes);
        return Convert.ToBase64String(bytes);
    }

    private AuthReply ClientFirst(ReadOnlySpan<byte> serverData)
    {
        if (!serverData.IsEmpty)
        {
            throw Fail(AuthErrorCode.ProtocolViolation, "SCRAM starts with the client's message, but the server sent data first.");
        }

        // client-first-message-bare = username "," nonce (RFC 5802 §7).
        var bare = new byte[2 + _userName.Length + 3 + _clientNonce.Length];
        var w = 0;
        Put(bare, ref w, "n="u8);
        Put(bare, ref w, _userName);
        Put(bare, ref w, ",r="u8);
        Put(bare, ref w, _clientNonce);
        _clientFirstBare = bare;
        _state = State.AwaitServerFirst;
        return AuthReply.Send((byte[])[.. _gs2Header, .. bare]);
    }

    /// <summary>
    /// Parses the server-first message and builds the client-final. With <paramref name="derive"/> false the
    /// keys come from the pass-through key or the derived-key cache only, and it returns null, having changed
    /// nothing, when neither has them; the caller then takes a limiter slot and calls again with
    /// <paramref name="derive"/> true, which runs PBKDF2. A malformed message throws either way.
    /// </summary>
    private AuthReply? ClientFinal(ReadOnlySpan<byte> serverFirst, bool derive)
    {
        if (serverFirst.Length > ScramText.MaxMessageLength)
        {
            throw Fail(AuthErrorCode.ProtocolViolation, $"The server-first message is {serverFirst.Length} bytes; at most {ScramText.MaxMessageLength} are accepted.");
        }

        if (serverFirst.IsEmpty || !ScramText.IsPrintableAscii(serverFirst))
        {
            throw Fail(AuthErrorCode.ProtocolViolation, "The server-first message is empty or contains characters outside printable ASCII.");
        }

        var rest = serverFirst;
        var field = ScramText.NextField(ref rest, out var more);
        if (ScramText.TryAttribute(field, 'm', out _))
        {
            throw Fail(AuthErrorCode.ProtocolViolation, "The server-first message carries a mandatory extension (m=), which this client does not support (RFC 5802 §5.1).");
        }

        if (!ScramText.TryAttribute(field, 'r', out var nonce) || !more)
        {
            throw Fail(AuthErrorCode.ProtocolViolation, "The server-first message must start with the nonce (r=), followed by s= and i=.");
        }

        // The server nonce must extend ours with a non-empty printable part (RFC 5802 §5.1); compared in constant time.
        if (!ScramText.IsValidNonce(nonce) || nonce.Length <= _clientNonce.Length || !CryptographicOperations.FixedTimeEquals(nonce[.._clientNonce.Length], _clientNonce))
        {
            throw Fail(AuthErrorCode.NonceMismatch, "The server's nonce does not start with the client's nonce followed by a non-empty part of its own (RFC 5802 §5.1). The server is not answering this exchange.");
        }

        field = ScramText.NextField(ref rest, out more);
        if (!ScramText.TryAttribute(field, 's', out var saltText) || !more)
        {
            throw Fail(AuthErrorCode.ProtocolViolation, "The server-first message must carry the salt (s=) after the nonce, then i=.");
        }

        var salt = ScramText.DecodeBase64(saltText);
        if (salt is null || salt.Length == 0)
        {
            throw Fail(AuthErrorCode.ProtocolViolation, "The server's salt (s=) is not valid, non-empty base64.");
        }

        field = ScramText.NextField(ref rest, out more);
        if (!ScramText.TryAttribute(field, 'i', out var countText) || ScramText.ParseCount(countText) is not { } iterations)
        {
            throw Fail(AuthErrorCode.ProtocolViolation, "The server-first message must carry the iteration count (i=) as a positive decimal number after the salt.");
        }

        if (more)
        {
            throw Fail(AuthErrorCode.ProtocolViolation, "The server-first message has unexpected data after the iteration count.");
        }

        if (_passThroughSalt is not null)
        {
            // A ClientKey answers only the verifier it was made from: another salt or count means another SaltedPassword.
            if (iterations != _passThroughIterations || !salt.AsSpan().SequenceEqual(_passThroughSalt))
            {
                throw Fail(
                    AuthErrorCode.PassThroughMismatch,
                    $"The backend's {_hash.MechanismName} verifier for user '{_user}' uses a different {(iterations != _passThroughIterations ? $"iteration count (i={iterations}, the front end's has i={_passThroughIterations})" : "salt")} than the front end's; pass-through needs the same stored verifier on both. Copy the stored verifier (e.g. pg_authid.rolpassword) from one server to the other.");
            }
        }
        else if (iterations < _options.MinIterations || iterations > _options.MaxIterations)
        {
            throw Fail(AuthErrorCode.IterationsOutOfRange, $"The server asked for {iterations} PBKDF2 iterations; this client accepts {_options.MinIterations} to {_options.MaxIterations} (ScramOptions.MinIterations / MaxIterations).");
        }

        Span<byte> clientKey = stackalloc byte[_hash.Length];
        Span<byte> serverKey = stackalloc byte[_hash.Length];
        Span<byte> storedKey = stackalloc byte[_hash.Length];
        Span<byte> signature = stackalloc byte[_hash.Length];
        var deferred = false;
        try
        {
            if (!TryDeriveKeys(salt, iterations, clientKey, serverKey, derive))
            {
                deferred = true;
                return null;
            }

            // client-final-message-without-proof = channel-binding "," nonce (RFC 5802 §7).
            var cbindInput = _channelBinding is null ? _gs2Header : [.. _gs2Header, .. _channelBinding];
            var withoutProof = Encoding.ASCII.GetBytes("c=" + Convert.ToBase64String(cbindInput) + ",r=" + Encoding.ASCII.GetString(nonce));

            // AuthMessage signs the server-first message exactly as received (RFC 5802 §3), never a rebuilt one.
            byte[] authMessage = [.. _clientFirstBare!, (byte)',', .. serverFirst, (byte)',', .. withoutProof];
            _hash.Hash(clientKey, storedKey);
            _hash.Hmac(storedKey, authMessage, signature);
            for (var i = 0; i < signature.Length; i++)
            {
                signature[i] ^= clientKey[i]; // ClientProof = ClientKey XOR ClientSignature
            }

            _expectedServerSignature = GC.AllocateArray<byte>(_hash.Length, pinned: true);
            _hash.Hmac(serverKey, authMessage, _expectedServerSignature);
            var proof = Convert.ToBase64String(signature);
            _clientFinal = GC.AllocateArray<byte>(withoutProof.Length + 3 + proof.Length, pinned: true);
            var w = 0;
            Put(_clientFinal, ref w, withoutProof);
            Put(_clientFinal, ref w, ",p="u8);
            w += Encoding.ASCII.GetBytes(proof, _clientFinal.AsSpan(w));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(clientKey);
            CryptographicOperations.ZeroMemory(serverKey);
            CryptographicOperations.ZeroMemory(storedKey);
            CryptographicOperations.ZeroMemory(signature);
            if (!deferred)
            {
                WipePassword();
            }
        }

        _state = State.AwaitServerFinal;
        return AuthReply.Send(_clientFinal);
    }

    /// <summary>
    /// Fills the keys from the pass-through key; else, with <paramref name="derive"/> false, from the cache
    /// (false on a miss); with <paramref name="derive"/> true (after that miss, under a slot) by PBKDF2.
    /// </summary>
    private bool TryDeriveKeys(byte[] salt, int iterations, Span<byte> clientKey, Span<byte> serverKey, bool derive)
    {
        if (_passThroughSalt is not null)
        {
            var client = _passThroughClientKey ?? throw Fail(AuthErrorCode.ProtocolViolation, "The SCRAM exchange's pass-through key was already wiped.");
            client.CopyTo(clientKey);
            _passThroughServerKey!.CopyTo(serverKey);
            return true;
        }

        var password = _password ?? throw Fail(AuthErrorCode.ProtocolViolation, "The SCRAM exchange's password was already wiped.");
        var cache = _options.UseDerivedKeyCache ? _cache : null;
        if (!derive)
        {
            return cache is not null && cache.TryGet(_hash, password, salt, iterations, clientKey, serverKey);
        }

        ScramKeys.Derive(_hash, _deriver, password, salt, iterations, clientKey, serverKey);
        cache?.Add(_hash, password, salt, iterations, clientKey, serverKey);
        return true;
    }

    private AuthReply ServerFinal(ReadOnlySpan<byte> message)
    {
        if (message.Length > ScramText.MaxMessageLength)
        {
            throw Fail(AuthErrorCode.ProtocolViolation, $"The server-final message is {message.Length} bytes; at most {ScramText.MaxMessageLength} are accepted.");
        }

        var rest = message;
        var field = ScramText.NextField(ref rest, out var more);
        if (ScramText.TryAttribute(field, 'e', out var error))
        {
            // RFC 5802 §7 server-error: surface the server's own reason, never "signature missing".
            throw Fail(AuthErrorCode.ServerRejected, $"The server rejected the SCRAM authentication: e={PeerText.Printable(error, ScramText.MaxShownErrorLength)}.");
        }

        if (!ScramText.TryAttribute(field, 'v', out var verifierText))
        {
            throw Fail(AuthErrorCode.ServerSignatureMissing, "SCRAM-SERVER-FINAL-MESSAGE: server signature is missing. The server's final message carries neither v= (its signature) nor e= (an error); refusing the connection.");
        }

        if (more)
        {
            throw Fail(AuthErrorCode.ProtocolViolation, "The server-final message has unexpected data after the server signature.");
        }

        var signature = ScramText.DecodeBase64(verifierText);
        if (signature is null)
        {
            throw Fail(AuthErrorCode.ProtocolViolation, "The server signature (v=) is not valid base64.");
        }

        try
        {
            if (_expectedServerSignature is null || !CryptographicOperations.FixedTimeEquals(signature, _expectedServerSignature))
            {
                throw Fail(AuthErrorCode.ServerSignatureMismatch, "The server's SCRAM signature (v=) does not verify: the server does not hold this password's verifier, or the exchange was tampered with. Refusing the connection.");
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(signature);
        }

        _state = State.Verified;
        return AuthReply.None;
    }

    private void Wipe()
    {
        WipePassword();
        if (_expectedServerSignature is not null)
        {
            CryptographicOperations.ZeroMemory(_expectedServerSignature);
        }

        if (_clientFinal is not null)
        {
            CryptographicOperations.ZeroMemory(_clientFinal);
        }
    }

    private void WipePassword()
    {
        if (_password is not null)
        {
            CryptographicOperations.ZeroMemory(_password);
            _password = null;
        }

        if (_passThroughClientKey is not null)
        {
            CryptographicOperations.ZeroMemory(_passThroughClientKey);
            CryptographicOperations.ZeroMemory(_passThroughServerKey);
            _passThroughClientKey = null;
            _passThroughServerKey = null;
        }
    }

    private static byte[] Pinned(ReadOnlySpan<byte> source)
    {
        var bytes = GC.AllocateArray<byte>(source.Length, pinned: true);
        source.CopyTo(bytes);
        return bytes;
    }

    private static void Put(Span<byte> destination, ref int offset, ReadOnlySpan<byte> value)
    {
        value.CopyTo(destination[offset..]);
        offset += value.Length;
    }

    private HandshakeException Fail(AuthErrorCode code, string message) => new(code, message, _mechanism, _factor);
}
