using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Handshake.Plugins.Scram;

namespace Handshake.Audit.Internal;

/// <summary>Runs a <see cref="PgPlan"/> against one client: the startup phase of PostgreSQL protocol 3.0 with SCRAM (PostgreSQL docs "SASL Authentication").</summary>
internal static class PgScenarioServer
{
    private const int MaxStartupPackets = 3;
    private const int HugeLength = 1 << 30;
    private const string OAuthBearerName = "OAUTHBEARER";
    private const byte OAuthBearerSeparator = 0x01;
    private const byte OAuthBearerDummy = 0x01;

    /// <summary>An error response as PostgreSQL 18 sends one (RFC 7628 §3.2.2: status, scope, openid-configuration).</summary>
    private static readonly byte[] WellFormedErrorJson =
        "{\"status\":\"invalid_token\",\"scope\":\"openid postgres\",\"openid-configuration\":\"https://issuer.invalid/.well-known/openid-configuration\"}"u8.ToArray();

    public static async Task RunAsync(ScenarioContext context, PgPlan plan)
    {
        var parameters = await StartupAsync(context, plan).ConfigureAwait(false);
        if (parameters is null)
        {
            return;
        }

        if (plan.TlsMissingAbort(context))
        {
            await context.SendAsync(PgWire.Error("FATAL", "28000", "this audit scenario needs TLS (sslmode=require)")).ConfigureAwait(false);
            await context.WaitForCloseAsync().ConfigureAwait(false);
            return;
        }

        if (plan.StallAfterStartup)
        {
            context.Facts.Add("server: (stalls: sends nothing)");
            context.HostileMessageSent();
            await context.WaitForCloseAsync().ConfigureAwait(false);
            return;
        }

        if (plan.HugeLength)
        {
            // 'R', a length of 1 GiB, then the start of an AuthenticationSASL body and nothing more.
            var header = new byte[9];
            header[0] = (byte)'R';
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(1), HugeLength);
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(5), PgWire.AuthSasl);
            await context.SendAsync(header).ConfigureAwait(false);
            context.Facts.Add("server: Authentication message with length 1 GiB (8 bytes of it sent)");
            context.HostileMessageSent();
            await context.WaitForCloseAsync().ConfigureAwait(false);
            return;
        }

        if (plan.ErrorInsteadOfAuthentication is { } hostile)
        {
            await context.SendAsync(PgWire.Error("FATAL", "28P01", hostile)).ConfigureAwait(false);
            context.Facts.Add("server: ErrorResponse FATAL 28P01 with ESC/BEL/CR/LF in its message");
            await context.WaitForCloseAsync().ConfigureAwait(false);
            return;
        }

        if (plan.OkWithoutAuthentication)
        {
            context.Facts.ServerSentOk = true;
            await context.SendAsync(PgWire.LoginCompleted(PgWire.Authentication(PgWire.AuthOk, []))).ConfigureAwait(false);
            context.Facts.Add("server: AuthenticationOk without asking for any authentication");
            await PostLoginAsync(context).ConfigureAwait(false);
            return;
        }

        if (plan.OAuthBearer != PgOAuthBearerMode.None)
        {
            await OAuthBearerAsync(context, plan).ConfigureAwait(false);
            return;
        }

        await ScramAsync(context, plan).ConfigureAwait(false);
    }

    private static bool TlsMissingAbort(this PgPlan plan, ScenarioContext context)
    {
        if (plan.Tls && !context.Facts.UsedTls)
        {
            context.Facts.TlsMissing = true;
            context.Facts.Add("client: started without TLS");
            return true;
        }

        return false;
    }

    private static async Task<Dictionary<string, string>?> StartupAsync(ScenarioContext context, PgPlan plan)
    {
        for (var i = 0; i < MaxStartupPackets; i++)
        {
            var (code, body) = await PgWire.ReadStartupAsync(context.Stream, context.Token).ConfigureAwait(false);
            switch (code)
            {
                case PgWire.SslRequestCode when plan.Tls && !context.Facts.UsedTls:
                    context.Facts.Add("client: SSLRequest; server: S");
                    await context.SendAsync("S"u8.ToArray()).ConfigureAwait(false);
                    if (plan.Ed25519Certificate)
                    {
                        await context.UpgradeToEd25519TlsAsync().ConfigureAwait(false);
                    }
                    else
                    {
                        await context.UpgradeToTlsAsync().ConfigureAwait(false);
                    }

                    continue;
                case PgWire.SslRequestCode or PgWire.GssEncRequestCode:
                    context.Facts.Add(code == PgWire.SslRequestCode ? "client: SSLRequest; server: N" : "client: GSSENCRequest; server: N");
                    await context.SendAsync("N"u8.ToArray()).ConfigureAwait(false);
                    continue;
                case PgWire.Protocol30:
                    var parameters = PgWire.ParseParameters(body);
                    context.Facts.Add($"client: StartupMessage 3.0 (user {(parameters.ContainsKey("user") ? "given" : "missing")})");
                    return parameters;
                case PgWire.CancelRequestCode:
                    context.Facts.Add("client: CancelRequest");
                    return null;
                default:
                    throw new ClientProtocolException(string.Create(CultureInfo.InvariantCulture, $"startup code {code}"));
            }
        }

        throw new ClientProtocolException("too many startup packets");
    }

    private static async Task ScramAsync(ScenarioContext context, PgPlan plan)
    {
        var facts = context.Facts;
        await context.SendAsync(PgWire.SaslMechanisms(plan.Mechanisms)).ConfigureAwait(false);
        facts.Add("server: AuthenticationSASL " + string.Join(' ', plan.Mechanisms));

        var (type, body) = await PgWire.ReadMessageAsync(context.Stream, context.Token).ConfigureAwait(false);
        if (type != 'p')
        {
            throw new ClientProtocolException($"expected SASLInitialResponse, got '{(char)type}'");
        }

        ReadOnlySpan<byte> span = body;
        var mechanism = PgWire.CString(ref span);
        if (span.Length < 4)
        {
            throw new ClientProtocolException("SASLInitialResponse without its length");
        }

        var length = BinaryPrimitives.ReadInt32BigEndian(span);
        var initial = length < 0 || length > span.Length - 4 ? [] : span.Slice(4, length);
        facts.Mechanism = mechanism;
        var first = ScramServer.ParseClientFirst(initial);
        if (first is null || !plan.Mechanisms.Contains(mechanism))
        {
            facts.Add($"client: SASLInitialResponse {mechanism} (malformed or not offered)");
            await context.SendAsync(PgWire.Error("FATAL", "08P01", "malformed SCRAM client-first message")).ConfigureAwait(false);
            await context.WaitForCloseAsync().ConfigureAwait(false);
            return;
        }

        facts.Gs2Flag = first.Flag;
        facts.Add($"client: SASLInitialResponse {mechanism} gs2={first.Gs2Header.TrimEnd(',')}");

        var credential = plan.RefuseClientFinal ? null : ScramCredential.Create(context.Options.Password, SystemRandomSource.Instance, plan.Iterations);
        var nonce = (plan.NonceNotExtended ? string.Empty : first.Nonce) + ScramServer.NewNonce();
        var salt = plan.SaltNotBase64 ? "#not*base64!" : Convert.ToBase64String(credential is null ? RandomSalt() : credential.Salt.ToArray());
        var serverFirst = string.Create(CultureInfo.InvariantCulture, $"r={nonce},s={salt},i={plan.Iterations}");
        await context.SendAsync(PgWire.Authentication(PgWire.AuthSaslContinue, Encoding.UTF8.GetBytes(serverFirst))).ConfigureAwait(false);
        context.HostileMessageSent();
        facts.Add(string.Create(CultureInfo.InvariantCulture, $"server: AuthenticationSASLContinue (i={plan.Iterations}{(plan.SaltNotBase64 ? ", salt not base64" : string.Empty)}{(plan.NonceNotExtended ? ", nonce not extending the client's" : string.Empty)})"));

        (type, body) = await PgWire.ReadMessageAsync(context.Stream, context.Token).ConfigureAwait(false);
        if (type != 'p')
        {
            throw new ClientProtocolException($"expected SASLResponse, got '{(char)type}'");
        }

        facts.SentClientFinal = true;
        facts.Add("client: SASLResponse (client-final)");
        var final = ScramServer.ParseClientFinal(body);
        if (credential is not { } stored || final is null)
        {
            await context.SendAsync(PgWire.Error("FATAL", "28P01", "password authentication failed (the audit server does not check this proof)")).ConfigureAwait(false);
            await context.WaitForCloseAsync().ConfigureAwait(false);
            return;
        }

        var expectedBinding = ExpectedBinding(first, context.PresentedCertificate ?? context.Certificate);
        var authMessage = first.Bare + "," + serverFirst + "," + final.WithoutProof;
        if (expectedBinding is null || !CryptographicOperations.FixedTimeEquals(final.ChannelBinding, expectedBinding)
            || !string.Equals(final.Nonce, nonce, StringComparison.Ordinal) || !ScramServer.VerifyProof(stored, authMessage, final.Proof))
        {
            facts.Add("server: the client's proof or channel binding did not verify");
            await context.SendAsync(PgWire.Error("FATAL", "28P01", "password authentication failed for user \"" + context.Options.UserName + "\"")).ConfigureAwait(false);
            await context.WaitForCloseAsync().ConfigureAwait(false);
            return;
        }

        await FinishAsync(context, plan, stored, authMessage, first, final).ConfigureAwait(false);
    }

    private static async Task FinishAsync(ScenarioContext context, PgPlan plan, ScramCredential stored, string authMessage, ScramClientFirst first, ScramClientFinal final)
    {
        var facts = context.Facts;
        string? serverFinal = plan.Final switch
        {
            PgServerFinal.Honest => "v=" + Convert.ToBase64String(ScramServer.ServerSignature(stored, authMessage)),
            PgServerFinal.Omit => null,
            PgServerFinal.Error => "e=" + plan.ServerError,
            PgServerFinal.WrongSignature => "v=" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            PgServerFinal.ForeignChannelBinding => "v=" + Convert.ToBase64String(ScramServer.ServerSignature(stored, ForeignAuthMessage(authMessage, first, final))),
            _ => throw new InvalidOperationException("unknown server-final mode"),
        };
        if (serverFinal is not null)
        {
            await context.SendAsync(PgWire.Authentication(PgWire.AuthSaslFinal, Encoding.UTF8.GetBytes(serverFinal))).ConfigureAwait(false);
            facts.Add("server: AuthenticationSASLFinal " + plan.Final switch
            {
                PgServerFinal.Error => "e=" + plan.ServerError,
                PgServerFinal.WrongSignature => "v=<a wrong signature>",
                PgServerFinal.ForeignChannelBinding => "v=<signed over another certificate's binding>",
                _ => "v=<the server signature>",
            });
        }
        else
        {
            facts.Add("server: (no AuthenticationSASLFinal)");
        }

        facts.ServerSentOk = true;
        context.HostileMessageSent();
        await context.SendAsync(PgWire.LoginCompleted(PgWire.Authentication(PgWire.AuthOk, []))).ConfigureAwait(false);
        facts.Add("server: AuthenticationOk, ParameterStatus, BackendKeyData, ReadyForQuery");
        await PostLoginAsync(context).ConfigureAwait(false);
    }

    /// <summary>
    /// OAUTHBEARER as PostgreSQL 18 runs it: AuthenticationSASL offering only OAUTHBEARER, the client's
    /// RFC 7628 §3.1 message in SASLInitialResponse, the §3.2.2 error JSON in AuthenticationSASLContinue,
    /// the client's dummy 0x01 (§3.2.3) in SASLResponse, then ErrorResponse. The token is never recorded.
    /// </summary>
    private static async Task OAuthBearerAsync(ScenarioContext context, PgPlan plan)
    {
        var facts = context.Facts;
        var clear = !facts.UsedTls;
        await context.SendAsync(PgWire.SaslMechanisms([OAuthBearerName])).ConfigureAwait(false);
        facts.Add("server: AuthenticationSASL " + OAuthBearerName + (clear ? " (over plain TCP)" : string.Empty));
        if (plan.OAuthBearer == PgOAuthBearerMode.OfferedInClear)
        {
            context.HostileMessageSent();
        }

        var (type, body) = await PgWire.ReadMessageAsync(context.Stream, context.Token).ConfigureAwait(false);
        if (type != 'p')
        {
            throw new ClientProtocolException($"expected SASLInitialResponse, got '{(char)type}'");
        }

        ReadOnlySpan<byte> span = body;
        facts.Mechanism = PgWire.CString(ref span);
        var length = span.Length < 4 ? -1 : BinaryPrimitives.ReadInt32BigEndian(span);
        var initial = length < 0 || length > span.Length - 4 ? [] : span.Slice(4, length);
        facts.SentBearerToken = HasBearerToken(initial);
        facts.Add($"client: SASLInitialResponse {facts.Mechanism} ({(facts.SentBearerToken ? "with a bearer token" : "no bearer token")}{(clear ? ", over plain TCP" : string.Empty)})");

        // Marked before the write: a client may refuse a 1 MiB message from its header and close while it is sent.
        var error = plan.OAuthBearer == PgOAuthBearerMode.OversizedError ? OversizedErrorJson(plan.ErrorJsonLength) : WellFormedErrorJson;
        facts.SentOAuthBearerError = true;
        facts.Add(string.Create(CultureInfo.InvariantCulture, $"server: AuthenticationSASLContinue with a {error.Length}-byte error JSON (status invalid_token)"));
        if (plan.OAuthBearer != PgOAuthBearerMode.OfferedInClear)
        {
            context.HostileMessageSent();
        }

        await context.SendAsync(PgWire.Authentication(PgWire.AuthSaslContinue, error)).ConfigureAwait(false);

        (type, body) = await PgWire.ReadMessageAsync(context.Stream, context.Token).ConfigureAwait(false);
        facts.Add(type == 'p' && body is [OAuthBearerDummy]
            ? "client: SASLResponse 0x01 (the dummy answer to the error, RFC 7628 §3.2.3)"
            : string.Create(CultureInfo.InvariantCulture, $"client: '{(char)type}' with {body.Length} bytes after the error response (not the dummy 0x01)"));
        if (plan.OAuthBearer == PgOAuthBearerMode.ErrorThenSilence)
        {
            facts.Add("server: (stalls: never answers the dummy 0x01)");
            context.HostileMessageSent();
            await context.WaitForCloseAsync().ConfigureAwait(false);
            return;
        }

        await context.SendAsync(PgWire.Error("FATAL", "28000", "OAuth bearer authentication failed for user \"" + context.Options.UserName + "\"")).ConfigureAwait(false);
        facts.Add("server: ErrorResponse FATAL 28000");
        await context.WaitForCloseAsync().ConfigureAwait(false);
    }

    /// <summary>Whether an RFC 7628 §3.1 client message carries a token: a kvpair auth= whose value has something after the "Bearer" scheme.</summary>
    private static bool HasBearerToken(ReadOnlySpan<byte> message)
    {
        foreach (var range in message.Split(OAuthBearerSeparator))
        {
            var pair = message[range];
            if (!pair.StartsWith("auth="u8))
            {
                continue;
            }

            var value = pair["auth="u8.Length..];
            if (value.Length >= "Bearer"u8.Length && Ascii.EqualsIgnoreCase(value[.."Bearer"u8.Length], "Bearer"u8))
            {
                value = value["Bearer"u8.Length..];
            }

            if (!value.Trim((byte)' ').IsEmpty)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A §3.2.2 error JSON padded (in its scope) to exactly <paramref name="length"/> bytes.</summary>
    private static byte[] OversizedErrorJson(int length)
    {
        var head = "{\"status\":\"invalid_token\",\"scope\":\""u8;
        var tail = "\"}"u8;
        var json = new byte[Math.Max(length, head.Length + tail.Length)];
        head.CopyTo(json);
        json.AsSpan(head.Length, json.Length - head.Length - tail.Length).Fill((byte)'a');
        tail.CopyTo(json.AsSpan(json.Length - tail.Length));
        return json;
    }

    /// <summary>After ReadyForQuery: any message means the client considers itself logged in; queries get an error.</summary>
    private static async Task PostLoginAsync(ScenarioContext context)
    {
        var (type, _) = await PgWire.ReadMessageAsync(context.Stream, context.Token).ConfigureAwait(false);
        context.Facts.End = AuditConnectionEnd.ClientLoggedIn;
        context.Facts.Add($"client: '{(char)type}' after ReadyForQuery (logged in)");
        for (var i = 0; i < 8 && type != 'X'; i++)
        {
            if (type is (byte)'Q' or (byte)'S')
            {
                await context.SendAsync((byte[])[.. PgWire.Error("ERROR", "0A000", "the Handshake audit server runs no queries"), .. PgWire.ReadyForQuery]).ConfigureAwait(false);
            }

            (type, _) = await PgWire.ReadMessageAsync(context.Stream, context.Token).ConfigureAwait(false);
        }
    }

    /// <summary>The channel-binding field the client should have sent: the GS2 header, plus the certificate's hash for -PLUS (RFC 5802 §6).</summary>
    private static byte[]? ExpectedBinding(ScramClientFirst first, System.Security.Cryptography.X509Certificates.X509Certificate2 certificate)
    {
        var header = Encoding.UTF8.GetBytes(first.Gs2Header);
        if (first.Flag != 'p')
        {
            return header;
        }

        return first.BindingType == "tls-server-end-point" && AuditCertificates.EndPointBinding(certificate) is { } hash ? [.. header, .. hash] : null;
    }

    /// <summary>The AuthMessage a server behind a TLS terminator would sign: the same, with its own certificate's binding.</summary>
    private static string ForeignAuthMessage(string authMessage, ScramClientFirst first, ScramClientFinal final)
    {
        var foreign = Convert.ToBase64String([.. Encoding.UTF8.GetBytes(first.Gs2Header), .. AuditCertificates.EndPointBinding(AuditCertificates.Other)!]);
        var ours = "c=" + Convert.ToBase64String(final.ChannelBinding);
        return authMessage.Replace(ours, "c=" + foreign, StringComparison.Ordinal);
    }

    private static byte[] RandomSalt() => RandomNumberGenerator.GetBytes(ScramCredential.DefaultSaltLength);
}
