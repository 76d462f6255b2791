using System.Security.Cryptography.X509Certificates;
using Handshake.Testing;

namespace Handshake.Tests;

public sealed class SecretHygieneTests
{
    private const string Password = "correct horse battery staple";

    [Fact]
    public void AuthSecret_ToString_NeverShowsTheSecret()
    {
        using var secret = AuthSecret.FromPassword(Password);
        Assert.DoesNotContain(Password, secret.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("horse", secret.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AuthSecret_Dispose_ZeroesTheBufferAndRefusesReads()
    {
        var secret = AuthSecret.FromPassword(Password);
        var bytes = secret.Bytes;
        unsafe
        {
            fixed (byte* p = bytes)
            {
                var length = bytes.Length;
                secret.Dispose();

                // The array is pinned, so this is the same memory the secret held.
                var view = new ReadOnlySpan<byte>(p, length);
                Assert.True(view.IndexOfAnyExcept((byte)0) < 0, "the secret's bytes were not zeroed");
            }
        }

        Assert.Throws<ObjectDisposedException>(() => secret.Bytes.Length);
    }

    [Fact]
    public void AuthSecret_LoneSurrogate_IsRefusedWithoutEchoingIt()
    {
        var ex = Assert.Throws<ArgumentException>(() => AuthSecret.FromPassword("ab\uD800cd"));
        Assert.DoesNotContain("ab", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AuthCredentials_ToString_ShowsSlotsNotSecrets()
    {
        using var creds = AuthCredentials.FromPasswords("alice", Password, null, "third-secret");
        var text = creds.ToString();
        Assert.Equal("AuthCredentials(user=alice, secrets=[1,3])", text);
    }

    [Fact]
    public void StoredCredential_ToString_IsRedacted()
    {
        var stored = StoredCredential.FromString("SCRAM-SHA-256$4096:c2FsdA==$a2V5:a2V5");
        Assert.DoesNotContain("SCRAM", stored.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void EventsAndMessages_ToString_ShowLengthsNotPayloads()
    {
        var payload = TestHost.Bytes(Password);
        Assert.DoesNotContain("horse", new AuthClientMessage("p", payload, "alice").ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("horse", AuthEvent.Continue(payload).ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("horse", AuthAction.Send("p", payload).ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("horse", AuthReply.Send(payload).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void HandshakeException_ToString_OmitsInnerMessage()
    {
        var ex = new HandshakeException(AuthErrorCode.PluginFailure, "plugin failed", "p", 1, innerException: new InvalidOperationException(Password));
        Assert.DoesNotContain("horse", ex.ToString(), StringComparison.Ordinal);
        Assert.Contains("PluginFailure", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TranscriptRecorder_DefaultRedactor_HidesEveryClientPayload()
    {
        await using var host = new TestHost(b => b
            .AddHmacChallenge()
            .AddAcceptor(o => o.DefaultPlugin = HmacChallengeHandshakeBuilderExtensions.DefaultName)
            .AddInMemoryCredentialStore(s => s.AddUser("alice", new AuthFactorPolicy(HmacChallengeHandshakeBuilderExtensions.DefaultName, HmacChallengeHandshakeBuilderExtensions.CreateStoredCredential(Password)))));
        using var creds = AuthCredentials.FromPasswords("alice", Password);
        using var negotiator = host.Negotiator(creds);
        using var acceptor = host.Acceptor();
        var recorder = new TranscriptRecorder();

        var result = await InMemoryHandshake.RunAsync(negotiator, acceptor, wrapClient: recorder.Record);

        Assert.True(result.Succeeded);
        Assert.All(recorder.Entries.Where(e => e.Direction == TranscriptDirection.ClientToServer), e => Assert.Matches("^<\\d+ bytes redacted>$", e.Rendered));
        Assert.DoesNotContain("horse", recorder.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void TransportSecurity_IsSafeForCleartext_OnlyWithVerifiedTlsOrTrustedLocal()
    {
        Assert.False(TransportSecurity.None.IsSafeForCleartext);
        Assert.False(new TransportSecurity { IsEncrypted = true }.IsSafeForCleartext);
        Assert.True(new TransportSecurity { IsEncrypted = true, IsCertificateVerified = true }.IsSafeForCleartext);
        Assert.True(new TransportSecurity { IsTrustedLocal = true }.IsSafeForCleartext);
        Assert.Null(new TransportSecurity().ServerCertificate as X509Certificate2);
    }

    [Fact]
    public async Task CleartextGate_WithoutVerifiedTls_RefusesUnlessAllowed()
    {
        await using var host = new TestHost(b => b.AddPlugin("clear", ctx =>
        {
            ctx.EnsureCleartextAllowed("the password in cleartext");
            return (_, _) => ValueTask.FromResult<ReadOnlyMemory<byte>>(ctx.RequireSecret().Bytes.ToArray());
        }));
        using var creds = AuthCredentials.FromPasswords("alice", Password);

        using (var plain = host.Negotiator(creds, new TransportSecurity { IsEncrypted = true }))
        {
            var ex = await Assert.ThrowsAsync<HandshakeException>(() => plain.HandleAsync(AuthEvent.Begin("clear")).AsTask());
            Assert.Equal(AuthErrorCode.PolicyViolation, ex.Code);
            Assert.Contains("AllowCleartextWithoutVerifiedTls", ex.Message, StringComparison.Ordinal);
        }

        using (var verified = host.Negotiator(creds, new TransportSecurity { IsEncrypted = true, IsCertificateVerified = true }))
        {
            var action = await verified.HandleAsync(AuthEvent.Begin("clear"));
            Assert.Equal(AuthActionKind.Send, action.Kind);
        }

        await using var lenient = new TestHost(
            b => b.AddPlugin("clear", ctx =>
            {
                ctx.EnsureCleartextAllowed("the password in cleartext");
                return (_, _) => ValueTask.FromResult<ReadOnlyMemory<byte>>(default);
            }),
            o => o.AllowCleartextWithoutVerifiedTls = true);
        using var allowed = lenient.Negotiator(creds);
        Assert.Equal(AuthActionKind.Send, (await allowed.HandleAsync(AuthEvent.Begin("clear"))).Kind);
    }
}
