using System.Security.Cryptography;
using System.Text;
using Handshake.Plugins.Scram.Internal;
using static Handshake.Plugins.Scram.Tests.ScramTestSupport;

namespace Handshake.Plugins.Scram.Tests;

/// <summary>Published SCRAM transcripts (../shared/vectors/scram.md), byte for byte with a pinned nonce.</summary>
public sealed class ScramTranscriptTests
{
    public static TheoryData<string, string, string, string, bool, string, string, string, string> Transcripts => new()
    {
        // RFC 7677 §3 (SCRAM-SHA-256).
        {
            "SHA-256", "user", "pencil", "rOprNGfwEbeRWgbNEkqO", false,
            "n,,n=user,r=rOprNGfwEbeRWgbNEkqO",
            "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
            "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="
        },

        // RFC 5802 §5 (SCRAM-SHA-1) from the same template.
        {
            "SHA-1", "user", "pencil", "fyko+d2lbbFgONRv9qkxdawL", false,
            "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL",
            "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",
            "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
            "v=rmF9pqV8S7suAoZWja4dJRkFsKQ="
        },

        // PostgreSQL style: empty n=, as libpq sends it.
        {
            "SHA-256", "postgres", "foobar", "9IZ2O01zb9IgiIZ1WJ/zgpJB", true,
            "n,,n=,r=9IZ2O01zb9IgiIZ1WJ/zgpJB",
            "r=9IZ2O01zb9IgiIZ1WJ/zgpJBjx/oIRLs02gGSHcw1KEty3eY,s=fs3IXBy7U7+IvVjZ,i=4096",
            "c=biws,r=9IZ2O01zb9IgiIZ1WJ/zgpJBjx/oIRLs02gGSHcw1KEty3eY,p=AmNKosjJzS31NTlQYNs5BTeQjdHdk7lOflDo5re2an8=",
            "v=U+ppxD5XUKtradnv8e2MkeupiA8FU87Sg8CXzXHDAzw="
        },
    };

    [Theory]
    [MemberData(nameof(Transcripts))]
    public async Task RespondAsync_PublishedTranscript_MatchesByteForByte(string hashName, string user, string password, string nonce, bool emptyUser, string clientFirst, string serverFirst, string clientFinal, string serverFinal)
    {
        var hash = hashName == "SHA-1" ? ScramHash.Sha1 : ScramHash.Sha256;
        using var exchange = Client(user, password, nonce, hash, options: new ScramOptions { SendEmptyUserName = emptyUser });

        Assert.Equal(clientFirst, await SendAsync(exchange, string.Empty));
        Assert.Equal(clientFinal, await SendAsync(exchange, serverFirst));
        var last = await exchange.RespondAsync(Ascii(serverFinal), CancellationToken.None);
        Assert.False(last.HasData);
        exchange.OnServerAccepted(ReadOnlyMemory<byte>.Empty);
    }

    [Theory]
    [MemberData(nameof(Transcripts))]
    public async Task OnServerAccepted_ServerFinalCarriedByTheOk_Verifies(string hashName, string user, string password, string nonce, bool emptyUser, string clientFirst, string serverFirst, string clientFinal, string serverFinal)
    {
        _ = clientFirst;
        _ = clientFinal;
        var hash = hashName == "SHA-1" ? ScramHash.Sha1 : ScramHash.Sha256;
        using var exchange = Client(user, password, nonce, hash, options: new ScramOptions { SendEmptyUserName = emptyUser });
        _ = await SendAsync(exchange, string.Empty);
        _ = await SendAsync(exchange, serverFirst);
        exchange.OnServerAccepted(Ascii(serverFinal));
    }

    [Fact]
    public async Task RespondAsync_Sha512Template_ProducesProofOfHashLength()
    {
        using var exchange = Client("user", "pencil", "abc", ScramHash.Sha512);
        _ = await SendAsync(exchange, string.Empty);
        var final = await SendAsync(exchange, "r=abcdef,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
        var proof = Convert.FromBase64String(final[(final.IndexOf(",p=", StringComparison.Ordinal) + 3)..]);
        Assert.Equal(64, proof.Length);
    }

    [Theory]
    [InlineData("us,er", "n,,n=us=2Cer,r=abc")]
    [InlineData("a=b", "n,,n=a=3Db,r=abc")]
    [InlineData("=,", "n,,n==3D=2C,r=abc")]
    public async Task RespondAsync_UserNameWithCommaOrEquals_IsEscaped(string user, string expected)
    {
        using var exchange = Client(user, "pencil", "abc");
        Assert.Equal(expected, await SendAsync(exchange, string.Empty));
    }

    [Fact]
    public async Task RespondAsync_DefaultNonce_Is32Base64CharsFromContextRandom()
    {
        var context = ClientContext("SCRAM-SHA-256", "user", "pencil", random: new PinnedRandom(0xAB));
        using var exchange = new ScramClientExchange(context, ScramHash.Sha256, plus: false, new ScramOptions(), null, Pbkdf2ScramKeyDeriver.Instance);
        var first = await SendAsync(exchange, string.Empty);
        Assert.Equal("n,,n=user,r=" + Convert.ToBase64String(Enumerable.Repeat((byte)0xAB, 24).ToArray()), first);
    }

    [Fact]
    public async Task RespondAsync_ServerFirst_ProofSignsTheReceivedBytes()
    {
        // An independent reference: AuthMessage built from the raw server-first text.
        const string serverFirst = "r=abc%$)(~!,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4097";
        using var exchange = Client("user", "pencil", "abc");
        _ = await SendAsync(exchange, string.Empty);
        var final = await SendAsync(exchange, serverFirst);

        var salted = Rfc2898DeriveBytes.Pbkdf2("pencil"u8, Convert.FromBase64String("W22ZaJ0SNY7soEsUEjb6gQ=="), 4097, HashAlgorithmName.SHA256, 32);
        var clientKey = HMACSHA256.HashData(salted, "Client Key"u8);
        var signature = HMACSHA256.HashData(SHA256.HashData(clientKey), Encoding.ASCII.GetBytes("n=user,r=abc," + serverFirst + ",c=biws,r=abc%$)(~!"));
        var proof = clientKey.Zip(signature, (a, b) => (byte)(a ^ b)).ToArray();
        Assert.Equal("c=biws,r=abc%$)(~!,p=" + Convert.ToBase64String(proof), final);
    }

    [Fact]
    public async Task RespondAsync_NonCanonicalBase64Salt_ThrowsProtocolViolation()
    {
        // "gR==" would decode to the same byte as "gQ==" in a lax decoder; strict base64 refuses it.
        using var exchange = Client("user", "pencil", "abc");
        _ = await SendAsync(exchange, string.Empty);
        var ex = await Assert.ThrowsAsync<HandshakeException>(() => exchange.RespondAsync(Ascii("r=abcdef,s=W22ZaJ0SNY7soEsUEjb6gR==,i=4096"), CancellationToken.None).AsTask());
        Assert.Equal(AuthErrorCode.ProtocolViolation, ex.Code);
    }

    [Fact]
    public async Task Dispose_AfterClientFinal_WipesTheProofBuffer()
    {
        var exchange = Client("user", "pencil", "rOprNGfwEbeRWgbNEkqO");
        _ = await SendAsync(exchange, string.Empty);
        var reply = await exchange.RespondAsync(Ascii("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"), CancellationToken.None);
        Assert.Contains((byte)'p', reply.Data.ToArray());
        exchange.Dispose();
        Assert.All(reply.Data.ToArray(), b => Assert.Equal(0, b));
    }

    [Fact]
    public void Start_NoPassword_ThrowsMissingCredential()
    {
        using var credentials = new AuthCredentials("user");
        var context = new AuthExchangeContext("SCRAM-SHA-256", 1, credentials, TransportSecurity.None, NSubstitute.Substitute.For<IAuthSecurityPolicy>());
        var ex = Assert.Throws<HandshakeException>(() => new ScramClientExchange(context, ScramHash.Sha256, plus: false, new ScramOptions(), null, Pbkdf2ScramKeyDeriver.Instance));
        Assert.Equal(AuthErrorCode.MissingCredential, ex.Code);
    }
}
