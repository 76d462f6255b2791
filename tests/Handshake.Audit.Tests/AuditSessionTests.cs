using System.Buffers.Binary;
using System.Text;
using Handshake.Plugins.Scram;
using Handshake.Protocols.PostgreSql;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Audit.Tests;

/// <summary>The session over an in-memory stream, and the verdict rules against scripted clients that do the wrong thing on purpose.</summary>
public sealed class AuditSessionTests
{
    private static readonly AuditServerOptions Short = new() { Deadline = TimeSpan.FromSeconds(2) };

    [Fact]
    public async Task StartInMemory_OurClientOnControl_LogsInAndPasses()
    {
        await using var session = AuditSession.StartInMemory(AuditScenarios.Get("pg.control.scram"), Short);
        await using var sp = new ServiceCollection().AddHandshake().AddScram().Services.BuildServiceProvider();
        using var credentials = AuthCredentials.FromPasswords("audit", AuditServerOptions.DefaultPassword);

        var error = await Record.ExceptionAsync(() => PostgreSqlStartup.ConnectAsync(session.ClientStream!, new PostgreSqlClientOptions { TlsMode = ClientTlsMode.Disable, Timeout = TimeSpan.FromSeconds(2) }, sp.GetRequiredService<IAuthNegotiatorFactory>(), credentials));
        var finding = await session.JudgeAsync(AuditClientReport.FromException(error));

        Assert.Null(error);
        Assert.Equal(AuditClientBehavior.Accepted, finding.Behavior);
        Assert.Equal(AuditVerdict.Pass, finding.Verdict);
        Assert.Contains(finding.Observation.Events, e => e.StartsWith("server: AuthenticationSASLFinal", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StartInMemory_WrongPasswordOnControl_Fails()
    {
        await using var session = AuditSession.StartInMemory(AuditScenarios.Get("pg.control.scram"), Short);
        await using var sp = new ServiceCollection().AddHandshake().AddScram().Services.BuildServiceProvider();
        using var credentials = AuthCredentials.FromPasswords("audit", "not-the-audit-password");

        var error = await Record.ExceptionAsync(() => PostgreSqlStartup.ConnectAsync(session.ClientStream!, new PostgreSqlClientOptions { TlsMode = ClientTlsMode.Disable, Timeout = TimeSpan.FromSeconds(2) }, sp.GetRequiredService<IAuthNegotiatorFactory>(), credentials));
        var finding = await session.JudgeAsync(AuditClientReport.FromException(error));

        Assert.NotNull(error);
        Assert.Equal(AuditVerdict.Fail, finding.Verdict);
        Assert.DoesNotContain("not-the-audit-password", finding.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Judge_SilentClient_HungUntilDeadline()
    {
        await using var session = AuditSession.StartInMemory(AuditScenarios.Get("pg.control.scram"), new AuditServerOptions { Deadline = TimeSpan.FromMilliseconds(300) });

        var finding = await session.JudgeAsync(report: null);

        Assert.Equal(AuditConnectionEnd.DeadlineExpired, finding.Observation.End);
        Assert.Equal(AuditClientBehavior.Hung, finding.Behavior);
        Assert.Equal(AuditVerdict.Fail, finding.Verdict);
    }

    [Fact]
    public async Task Judge_ClientAcceptsOkWithoutServerFinal_Fails()
    {
        // A lax client: it answers the server-first with a proof and then takes the OK (and sends Terminate).
        await using var session = AuditSession.StartInMemory(AuditScenarios.Get("pg.ok-without-server-final"), Short);
        var stream = session.ClientStream!;

        await LaxScramClientAsync(stream, gs2: "n,,");
        var finding = await session.JudgeAsync(report: null);

        Assert.Equal(AuditClientBehavior.Accepted, finding.Behavior);
        Assert.Equal(AuditVerdict.Fail, finding.Verdict);
    }

    [Fact]
    public async Task Judge_ClientClosesAfterServerFirstWithIterationsOne_Passes()
    {
        await using var session = AuditSession.StartInMemory(AuditScenarios.Get("pg.iterations-1"), Short);
        var stream = session.ClientStream!;

        await SendStartupAsync(stream);
        _ = await ReadMessageAsync(stream);                         // AuthenticationSASL
        await SendInitialResponseAsync(stream, "n,,n=,r=clientnonce");
        var serverFirst = await ReadMessageAsync(stream);           // AuthenticationSASLContinue
        Assert.Contains(",i=1", Encoding.UTF8.GetString(serverFirst.Body), StringComparison.Ordinal);
        await stream.DisposeAsync();
        var finding = await session.JudgeAsync(report: null);

        Assert.Equal(AuditConnectionEnd.ClientClosed, finding.Observation.End);
        Assert.Equal(AuditVerdict.Pass, finding.Verdict);
    }

    [Fact]
    public void Judge_ErrorMessageWithEscapes_FailsAndShowsThemEscaped()
    {
        var scenario = AuditScenarios.Get("pg.error-control-chars");
        var report = AuditClientReport.Failure("FATAL: x\u001b[2J y");

        // Judged on a connection the client closed: refused, but its output carries raw ESC.
        var observation = RunClosedConnection(scenario);
        var finding = scenario.Judge(observation, report);

        Assert.Equal(AuditVerdict.Fail, finding.Verdict);
        Assert.Contains("\\x1b[2J", finding.Explanation, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', finding.Explanation);
    }

    [Fact]
    public void Get_UnknownId_ThrowsListingKnownIds()
    {
        var ex = Assert.Throws<KeyNotFoundException>(() => AuditScenarios.Get("pg.nope"));

        Assert.Contains("pg.control.scram", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Catalogue_EveryScenario_HasIdSourceFixAndUniqueId()
    {
        Assert.Equal(AuditScenarios.All.Count, AuditScenarios.All.Select(s => s.Id).Distinct(StringComparer.Ordinal).Count());
        Assert.All(AuditScenarios.All, s =>
        {
            Assert.False(string.IsNullOrWhiteSpace(s.Description));
            Assert.False(string.IsNullOrWhiteSpace(s.Source));
            Assert.False(string.IsNullOrWhiteSpace(s.CorrectClient));
            Assert.False(string.IsNullOrWhiteSpace(s.Fix));
            Assert.StartsWith(s.Protocol == AuditProtocol.PostgreSql ? "pg." : "mysql.", s.Id, StringComparison.Ordinal);
        });
        Assert.Contains(AuditScenarios.PostgreSql, s => s.IsControl);
        Assert.Contains(AuditScenarios.MySql, s => s.IsControl);
    }

    private static AuditObservation RunClosedConnection(AuditScenario scenario)
    {
        var session = AuditSession.StartInMemory(scenario, Short);
        session.ClientStream!.Dispose();
        var observation = session.Completion.GetAwaiter().GetResult();
        session.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return observation;
    }

    private static async Task LaxScramClientAsync(Stream stream, string gs2)
    {
        await SendStartupAsync(stream);
        _ = await ReadMessageAsync(stream);
        await SendInitialResponseAsync(stream, gs2 + "n=,r=clientnonce");
        var serverFirst = Encoding.UTF8.GetString((await ReadMessageAsync(stream)).Body[4..]);
        var nonce = serverFirst.Split(',')[0][2..];
        var salt = Convert.FromBase64String(serverFirst.Split(',')[1][2..]);
        var credential = ScramCredential.Create(AuditServerOptions.DefaultPassword, salt, 4096);
        var withoutProof = $"c={Convert.ToBase64String(Encoding.UTF8.GetBytes(gs2))},r={nonce}";
        var authMessage = $"n=,r=clientnonce,{serverFirst},{withoutProof}";

        // ClientProof = ClientKey XOR HMAC(StoredKey, AuthMessage); the test derives ClientKey the long way (RFC 5802 §3).
        var salted = System.Security.Cryptography.Rfc2898DeriveBytes.Pbkdf2(AuditServerOptions.DefaultPassword, salt, 4096, System.Security.Cryptography.HashAlgorithmName.SHA256, 32);
        var clientKey = System.Security.Cryptography.HMACSHA256.HashData(salted, "Client Key"u8);
        var signature = System.Security.Cryptography.HMACSHA256.HashData(credential.StoredKey.Span, Encoding.UTF8.GetBytes(authMessage));
        var proof = clientKey.Zip(signature, (a, b) => (byte)(a ^ b)).ToArray();
        await SendAsync(stream, (byte)'p', Encoding.UTF8.GetBytes($"{withoutProof},p={Convert.ToBase64String(proof)}"));
        while ((await ReadMessageAsync(stream)).Type != 'Z')
        {
        }

        await SendAsync(stream, (byte)'X', []);
    }

    private static async Task SendStartupAsync(Stream stream)
    {
        var body = (byte[])[0, 3, 0, 0, .. "user\0audit\0\0"u8];
        var packet = new byte[4 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(packet, packet.Length);
        body.CopyTo(packet, 4);
        await stream.WriteAsync(packet);
    }

    private static async Task SendInitialResponseAsync(Stream stream, string clientFirst)
    {
        var data = Encoding.UTF8.GetBytes(clientFirst);
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        await SendAsync(stream, (byte)'p', [.. "SCRAM-SHA-256\0"u8, .. length, .. data]);
    }

    private static async Task SendAsync(Stream stream, byte type, byte[] body)
    {
        var header = new byte[5];
        header[0] = type;
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(1), body.Length + 4);
        await stream.WriteAsync(header);
        await stream.WriteAsync(body);
    }

    private static async Task<(char Type, byte[] Body)> ReadMessageAsync(Stream stream)
    {
        var header = new byte[5];
        await stream.ReadExactlyAsync(header);
        var body = new byte[BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1)) - 4];
        await stream.ReadExactlyAsync(body);
        return ((char)header[0], body);
    }
}
