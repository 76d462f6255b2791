using Handshake.Interop.Tests.Infrastructure;

namespace Handshake.Interop.Tests;

/// <summary>The servers tests/run.sh promised are there and answer: a broken setup fails here first, by name.</summary>
public sealed class EnvironmentTests
{
    [Fact]
    public async Task PostgresServer_StartedByRunScript_AnswersAsSuperuser()
    {
        var server = new PostgresServer();
        var version = await server.ExecuteAsync("SHOW server_version_num;");
        Assert.StartsWith("15", version.Trim(), StringComparison.Ordinal);
        Assert.Equal("on", (await server.ExecuteAsync("SHOW ssl;")).Trim());
    }

    [Fact]
    public async Task MariaDbServer_StartedByRunScript_AnswersAsRoot()
    {
        var server = new MariaDbServer();
        var version = await server.ExecuteAsync("SELECT VERSION();");
        Assert.Contains("MariaDB", version, StringComparison.Ordinal);
        Assert.Equal("YES", (await server.ExecuteAsync("SELECT @@have_ssl;")).Trim());
    }
}
