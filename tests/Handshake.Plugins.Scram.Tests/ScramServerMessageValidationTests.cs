using Handshake.Plugins.Scram.Internal;
using Microsoft.Extensions.DependencyInjection;
using static Handshake.Plugins.Scram.Tests.ScramTestSupport;

namespace Handshake.Plugins.Scram.Tests;

/// <summary>The client's strict checks of server-first and server-final (RFC 5802 §5.1, §7).</summary>
public sealed class ScramServerMessageValidationTests
{
    private const string Nonce = "rOprNGfwEbeRWgbNEkqO";
    private const string ServerFirst = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    private const string ServerFinal = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

    public static TheoryData<string, AuthErrorCode> BadServerFirst => new()
    {
        { "m=ext," + ServerFirst, AuthErrorCode.ProtocolViolation },                                  // mandatory extension
        { "s=W22ZaJ0SNY7soEsUEjb6gQ==,r=rOprNGfwEbeRWgbNEkqOxyz,i=4096", AuthErrorCode.ProtocolViolation }, // order
        { "r=rOprNGfwEbeRWgbNEkqOxyz,i=4096,s=W22ZaJ0SNY7soEsUEjb6gQ==", AuthErrorCode.ProtocolViolation }, // order
        { "r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==", AuthErrorCode.ProtocolViolation },         // no i=
        { "r=XOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", AuthErrorCode.NonceMismatch },      // not our nonce
        { "r=rOprNGfwEbeRWgbNEkqO,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", AuthErrorCode.NonceMismatch },         // no server part
        { "r=rOprNGfwEbe,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", AuthErrorCode.NonceMismatch },                  // shorter than ours
        { "r=rOprNGfwEbeRWgbNEkqO x,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", AuthErrorCode.ProtocolViolation },   // non-printable
        { "r=rOprNGfwEbeRWgbNEkqO\u0001,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", AuthErrorCode.ProtocolViolation }, // control char
        { "r=rOprNGfwEbeRWgbNEkqOxyz,s=,i=4096", AuthErrorCode.ProtocolViolation },                          // empty salt
        { "r=rOprNGfwEbeRWgbNEkqOxyz,s=W22Z*J0SNY7soEsUEjb6gQ==,i=4096", AuthErrorCode.ProtocolViolation },   // bad base64
        { "r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0,i=4096", AuthErrorCode.ProtocolViolation },                    // truncated base64
        { "r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=1", AuthErrorCode.IterationsOutOfRange },
        { "r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4095", AuthErrorCode.IterationsOutOfRange },
        { "r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=1000001", AuthErrorCode.IterationsOutOfRange },
        { "r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=0", AuthErrorCode.IterationsOutOfRange },
        { "r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=99999999999", AuthErrorCode.ProtocolViolation },
        { "r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=-4096", AuthErrorCode.ProtocolViolation },
        { "r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=04096", AuthErrorCode.ProtocolViolation },
        { "r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,x=junk", AuthErrorCode.ProtocolViolation },
        { "r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,", AuthErrorCode.ProtocolViolation },
        { string.Empty, AuthErrorCode.ProtocolViolation },
        { "r=rOprNGfwEbeRWgbNEkqO" + new string('x', 5000) + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", AuthErrorCode.ProtocolViolation }, // over 4 KiB
    };

    [Theory]
    [MemberData(nameof(BadServerFirst))]
    public async Task RespondAsync_MalformedServerFirst_ThrowsTypedError(string serverFirst, AuthErrorCode expected)
    {
        using var exchange = Client("user", "pencil", Nonce);
        _ = await SendAsync(exchange, string.Empty);
        var ex = await Assert.ThrowsAsync<HandshakeException>(() => exchange.RespondAsync(Ascii(serverFirst), CancellationToken.None).AsTask());
        Assert.Equal(expected, ex.Code);
        Assert.Equal("SCRAM-SHA-256", ex.PluginName);
    }

    [Fact]
    public async Task RespondAsync_NonAsciiByteInServerFirst_ThrowsProtocolViolation()
    {
        using var exchange = Client("user", "pencil", Nonce);
        _ = await SendAsync(exchange, string.Empty);
        byte[] serverFirst = [.. Ascii("r=rOprNGfwEbeRWgbNEkqO"), 0xC3, 0xA9, .. Ascii(",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")];
        var ex = await Assert.ThrowsAsync<HandshakeException>(() => exchange.RespondAsync(serverFirst, CancellationToken.None).AsTask());
        Assert.Equal(AuthErrorCode.ProtocolViolation, ex.Code);
    }

    [Fact]
    public async Task RespondAsync_IterationsBelowConfiguredFloor_ThrowsIterationsOutOfRange()
    {
        using var exchange = Client("user", "pencil", Nonce, options: new ScramOptions { MinIterations = 10_000 });
        _ = await SendAsync(exchange, string.Empty);
        var ex = await Assert.ThrowsAsync<HandshakeException>(() => exchange.RespondAsync(Ascii(ServerFirst), CancellationToken.None).AsTask());
        Assert.Equal(AuthErrorCode.IterationsOutOfRange, ex.Code);
        Assert.Contains("4096", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RespondAsync_IterationsAboveConfiguredCap_ThrowsIterationsOutOfRange()
    {
        using var exchange = Client("user", "pencil", Nonce, options: new ScramOptions { MinIterations = 1, MaxIterations = 4095 });
        _ = await SendAsync(exchange, string.Empty);
        var ex = await Assert.ThrowsAsync<HandshakeException>(() => exchange.RespondAsync(Ascii(ServerFirst), CancellationToken.None).AsTask());
        Assert.Equal(AuthErrorCode.IterationsOutOfRange, ex.Code);
    }

    [Fact]
    public async Task RespondAsync_ServerSendsDataBeforeClientFirst_ThrowsProtocolViolation()
    {
        using var exchange = Client("user", "pencil", Nonce);
        var ex = await Assert.ThrowsAsync<HandshakeException>(() => exchange.RespondAsync(Ascii("hello"), CancellationToken.None).AsTask());
        Assert.Equal(AuthErrorCode.ProtocolViolation, ex.Code);
    }

    [Fact]
    public async Task RespondAsync_ServerErrorInServerFinal_ThrowsServerRejectedWithServersText()
    {
        using var exchange = await AtServerFinalAsync();
        var ex = await Assert.ThrowsAsync<HandshakeException>(() => exchange.RespondAsync(Ascii("e=invalid-proof"), CancellationToken.None).AsTask());
        Assert.Equal(AuthErrorCode.ServerRejected, ex.Code);
        Assert.Contains("invalid-proof", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("signature is missing", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnServerAccepted_ServerErrorInFinalData_ThrowsServerRejectedWithServersText()
    {
        using var exchange = await AtServerFinalAsync();
        var ex = Assert.Throws<HandshakeException>(() => exchange.OnServerAccepted(Ascii("e=other-error")));
        Assert.Equal(AuthErrorCode.ServerRejected, ex.Code);
        Assert.Contains("other-error", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("x=something")]
    [InlineData("m=v=abc")]
    public async Task RespondAsync_ServerFinalWithoutSignature_ThrowsServerSignatureMissing(string serverFinal)
    {
        using var exchange = await AtServerFinalAsync();
        var ex = await Assert.ThrowsAsync<HandshakeException>(() => exchange.RespondAsync(Ascii(serverFinal), CancellationToken.None).AsTask());
        Assert.Equal(AuthErrorCode.ServerSignatureMissing, ex.Code);
        Assert.Contains("server signature is missing", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RespondAsync_WrongServerSignature_ThrowsMismatchWithoutExpectedValue()
    {
        using var exchange = await AtServerFinalAsync();
        var wrong = "v=" + Convert.ToBase64String(new byte[32]);
        var ex = await Assert.ThrowsAsync<HandshakeException>(() => exchange.RespondAsync(Ascii(wrong), CancellationToken.None).AsTask());
        Assert.Equal(AuthErrorCode.ServerSignatureMismatch, ex.Code);
        Assert.DoesNotContain("6rriTRBi23WpRR", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("6rriTRBi23WpRR", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RespondAsync_ShortServerSignature_ThrowsMismatch()
    {
        using var exchange = await AtServerFinalAsync();
        var ex = await Assert.ThrowsAsync<HandshakeException>(() => exchange.RespondAsync(Ascii("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5n"), CancellationToken.None).AsTask());
        Assert.Equal(AuthErrorCode.ServerSignatureMismatch, ex.Code);
    }

    [Theory]
    [InlineData(ServerFinal + ",x=1")]
    [InlineData("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4")]
    public async Task RespondAsync_MalformedServerFinal_ThrowsProtocolViolation(string serverFinal)
    {
        using var exchange = await AtServerFinalAsync();
        var ex = await Assert.ThrowsAsync<HandshakeException>(() => exchange.RespondAsync(Ascii(serverFinal), CancellationToken.None).AsTask());
        Assert.Equal(AuthErrorCode.ProtocolViolation, ex.Code);
    }

    [Fact]
    public async Task OnServerAccepted_OkWithoutServerFinal_ThrowsServerSignatureMissing()
    {
        using var exchange = await AtServerFinalAsync();
        var ex = Assert.Throws<HandshakeException>(() => exchange.OnServerAccepted(ReadOnlyMemory<byte>.Empty));
        Assert.Equal(AuthErrorCode.ServerSignatureMissing, ex.Code);
        Assert.Contains("server signature is missing", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnServerAccepted_OkRightAfterClientFirst_ThrowsServerSignatureMissing()
    {
        using var exchange = Client("user", "pencil", Nonce);
        _ = await SendAsync(exchange, string.Empty);
        var ex = Assert.Throws<HandshakeException>(() => exchange.OnServerAccepted(Ascii(ServerFinal)));
        Assert.Equal(AuthErrorCode.ServerSignatureMissing, ex.Code);
    }

    [Fact]
    public async Task RespondAsync_DataAfterVerifiedServerFinal_ThrowsProtocolViolation()
    {
        using var exchange = await AtServerFinalAsync();
        Assert.False((await exchange.RespondAsync(Ascii(ServerFinal), CancellationToken.None)).HasData);
        var ex = await Assert.ThrowsAsync<HandshakeException>(() => exchange.RespondAsync(Ascii(ServerFinal), CancellationToken.None).AsTask());
        Assert.Equal(AuthErrorCode.ProtocolViolation, ex.Code);
    }

    [Fact]
    public async Task Negotiator_OkWithoutServerFinal_RefusedWithServerSignatureMissing()
    {
        // A server (or pooler) that answers the client-final with a bare OK: the seed bug.
        var services = new ServiceCollection();
        services.AddHandshake().AddScram();
        await using var sp = services.BuildServiceProvider();
        using var creds = AuthCredentials.FromPasswords("user", "pencil");
        using var negotiator = sp.GetRequiredService<IAuthNegotiatorFactory>().Create(creds);

        // The client's nonce is random here, so script the server-first from what the client sent.
        using var connection = InMemoryAuthConnection.Create();
        var server = Task.Run(async () =>
        {
            await connection.Server.SendAsync(AuthEvent.Begin("SCRAM-SHA-256"), CancellationToken.None);
            var first = Ascii((await connection.Server.ReceiveAsync(CancellationToken.None)).Data);
            var clientNonce = first[(first.IndexOf("r=", StringComparison.Ordinal) + 2)..];
            await connection.Server.SendAsync(AuthEvent.Continue(Ascii($"r={clientNonce}srv,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")), CancellationToken.None);
            _ = await connection.Server.ReceiveAsync(CancellationToken.None);
            await connection.Server.SendAsync(AuthEvent.Succeeded(), CancellationToken.None);
        });
        var ex = await Assert.ThrowsAsync<HandshakeException>(() => negotiator.RunAsync(connection.Client));
        await server;
        Assert.Equal(AuthErrorCode.ServerSignatureMissing, ex.Code);
        Assert.Contains("server signature is missing", ex.Message, StringComparison.Ordinal);
    }

    private static async Task<ScramClientExchange> AtServerFinalAsync()
    {
        var exchange = Client("user", "pencil", Nonce);
        _ = await SendAsync(exchange, string.Empty);
        _ = await SendAsync(exchange, ServerFirst);
        return exchange;
    }
}
