using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Plugins.KeyAuth.Tests;

/// <summary>
/// The examples of docs/write-your-own-plugin.md, compiled and run against the real verifier, so
/// the documentation cannot drift from code that works.
/// </summary>
public sealed class WriteYourOwnPluginTests
{
    [Fact]
    public async Task DelegatePluginFromDocs_AgainstKeyAuthVerifier_Succeeds()
    {
        var keyVault = new FakeKeyVault(TestKeys.PrivatePem(TestKeys.P256));
        var services = new ServiceCollection();
        var builder = services.AddHandshake();

        // --- docs: delegate example ---
        builder.AddPlugin("ssh-key-auth", ctx => async (data, ct) =>
        {
            // Server's challenge message: 01 01 | u8 length | challenge.
            var challenge = data[3..].ToArray();
            using var key = await keyVault.GetKeyAsync(ctx.UserName, ct); // an ECDsa P-256 private key
            var toSign = KeyAuthSignedData.Build(ctx.PluginName, ctx.UserName, ctx.FactorIndex, challenge, ctx.Transport);
            var signature = key.SignData(toSign, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            var fingerprint = KeyAuthFingerprint.FromPublicKey(key);

            // Response: 01 01 | fingerprint | algorithm id | u16 length | signature.
            return (byte[])[0x01, 0x01, .. fingerprint.Hash, (byte)KeyAuthAlgorithm.EcdsaP256Sha256, 0x00, (byte)signature.Length, .. signature];
        });

        // --- end ---
        builder.AddKeyAuthVerifier()
            .AddAcceptor(o => o.DefaultPlugin = KeyAuthPluginNames.SshKeyAuth)
            .AddInMemoryCredentialStore(s => s.AddUser("alice", new AuthFactorPolicy(KeyAuthPluginNames.SshKeyAuth, StoredCredential.FromString(TestKeys.AuthorizedKeysLine(TestKeys.P256)))));
        await using var sp = services.BuildServiceProvider();

        var result = await Engine.RunAsync(sp);

        Assert.True(result.Succeeded, result.ClientError?.ToString() ?? result.ServerFailureReason.ToString());
    }

    [Fact]
    public async Task ClassPluginFromDocs_AgainstKeyAuthVerifier_Succeeds()
    {
        var services = new ServiceCollection();
        services.AddHandshake()
            .AddPlugin(new ChallengeSigningPlugin(new FakeKeyVault(TestKeys.PrivatePem(TestKeys.P256))))
            .AddKeyAuthVerifier()
            .AddAcceptor(o => o.DefaultPlugin = KeyAuthPluginNames.SshKeyAuth)
            .AddInMemoryCredentialStore(s => s.AddUser("alice", new AuthFactorPolicy(KeyAuthPluginNames.SshKeyAuth, StoredCredential.FromString(TestKeys.PublicPem(TestKeys.P256)))));
        await using var sp = services.BuildServiceProvider();

        var result = await Engine.RunAsync(sp);

        Assert.True(result.Succeeded, result.ClientError?.ToString() ?? result.ServerFailureReason.ToString());
    }

    /// <summary>Stands in for a vault client: hands out a fresh key object per call, asynchronously.</summary>
    internal sealed class FakeKeyVault(string pem)
    {
        public async ValueTask<ECDsa> GetKeyAsync(string userName, CancellationToken cancellationToken)
        {
            await Task.Yield();
            var key = ECDsa.Create();
            key.ImportFromPem(pem);
            return key;
        }
    }

    // --- docs: class example ---
    internal sealed class ChallengeSigningPlugin(FakeKeyVault keyVault) : IAuthPlugin
    {
        public string Name => "ssh-key-auth";

        public IAuthExchange Start(AuthExchangeContext context) => new Exchange(context, keyVault);

        private sealed class Exchange(AuthExchangeContext ctx, FakeKeyVault keyVault) : IAuthExchange
        {
            private ECDsa? _key;

            public async ValueTask<AuthReply> RespondAsync(ReadOnlyMemory<byte> serverData, CancellationToken cancellationToken)
            {
                if (serverData.Length < 3 || serverData.Span[0] != 0x01 || serverData.Span[1] != 0x01 || serverData.Span[2] != serverData.Length - 3)
                {
                    throw new HandshakeException(AuthErrorCode.ProtocolViolation, "Expected a key auth challenge.", ctx.PluginName, ctx.FactorIndex);
                }

                _key ??= await keyVault.GetKeyAsync(ctx.UserName, cancellationToken);
                var toSign = KeyAuthSignedData.Build(ctx.PluginName, ctx.UserName, ctx.FactorIndex, serverData.Span[3..], ctx.Transport);
                var signature = _key.SignData(toSign, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
                var fingerprint = KeyAuthFingerprint.FromPublicKey(_key);
                return AuthReply.Send((byte[])[0x01, 0x01, .. fingerprint.Hash, (byte)KeyAuthAlgorithm.EcdsaP256Sha256, 0x00, (byte)signature.Length, .. signature]);
            }

            // Key auth proves the client only; nothing to check in the server's acceptance.
            public void OnServerAccepted(ReadOnlyMemory<byte> finalData)
            {
            }

            public void Dispose() => _key?.Dispose();
        }
    }

    // --- end ---
}
