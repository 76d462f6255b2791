// The README's example, compiled and run: a driver author's test against one scenario, over a real loopback
// socket. The "driver" here is our own PostgreSQL client; any client that takes a host and a port fits.
using System.Net.Sockets;
using Handshake;
using Handshake.Audit;
using Handshake.Plugins.Scram;
using Handshake.Protocols.PostgreSql;
using Microsoft.Extensions.DependencyInjection;

namespace MyDriver.Tests;

public sealed class AuditReadmeExampleTests
{
    [Fact]
    public async Task ReadmeExample_OkWithoutServerFinal_ClientRefuses()
    {
        await using var server = AuditServer.Start(AuditScenarios.Get("pg.ok-without-server-final"));

        var error = await Record.ExceptionAsync(() => ConnectMyDriverAsync(AuditServer.Host, server.Port, "audit", AuditServerOptions.DefaultPassword));

        var finding = await server.JudgeAsync(AuditClientReport.FromException(error));
        Assert.True(finding.Verdict == AuditVerdict.Pass, finding.ToString());   // "refused: ... server signature is missing ..."
    }

    private static async Task ConnectMyDriverAsync(string host, int port, string user, string password)
    {
        await using var sp = new ServiceCollection().AddHandshake().AddScram().Services.BuildServiceProvider();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(host, port);
        await using var stream = tcp.GetStream();
        using var credentials = AuthCredentials.FromPasswords(user, password);
        await PostgreSqlStartup.ConnectAsync(stream, new PostgreSqlClientOptions { Timeout = TimeSpan.FromSeconds(2) }, sp.GetRequiredService<IAuthNegotiatorFactory>(), credentials);
    }
}
