using Handshake.Cli.Probe;
using Handshake.Cli.Protocols;

namespace Handshake.Cli.Tests;

public sealed class ProbeUrlTests
{
    [Theory]
    [InlineData("postgres://alice@db.example:6543/app", "postgres", "alice", "db.example", 6543, "app")]
    [InlineData("postgresql://alice@127.0.0.1/app", "postgres", "alice", "127.0.0.1", 5432, "app")]
    [InlineData("mysql://bob@127.0.0.1:3307", "mysql", "bob", "127.0.0.1", 3307, null)]
    [InlineData("mariadb://bob@localhost", "mysql", "bob", "localhost", 3306, null)]
    [InlineData("mysql://bob@[::1]:3307/shop", "mysql", "bob", "::1", 3307, "shop")]
    [InlineData("postgres://d%C3%A9j%C3%A0%40x@h/db", "postgres", "déjà@x", "h", 5432, "db")]
    [InlineData("imap://carol@mail.example", "imap", "carol", "mail.example", 143, null)]
    [InlineData("imaps://carol@127.0.0.1:10993", "imaps", "carol", "127.0.0.1", 10993, null)]
    [InlineData("smtp://carol@mail.example", "smtp", "carol", "mail.example", 25, null)]
    [InlineData("submission://carol@mail.example", "submission", "carol", "mail.example", 587, null)]
    [InlineData("SUBMISSIONS://carol@mail.example", "submissions", "carol", "mail.example", 465, null)]
    public void Parse_ValidUrl_ReturnsParts(string text, string protocol, string user, string host, int port, string? database)
    {
        var url = ProbeUrl.Parse(text);

        Assert.Equal(new ProbeUrl(ProtocolCatalogue.Find(protocol)!, user, host, port, database), url);
        Assert.Equal(protocol, url.Protocol.Name);
    }

    [Fact]
    public void Parse_DatabaseOnMailUrl_ThrowsUsage()
    {
        var ex = Assert.Throws<CliUsageException>(() => ProbeUrl.Parse("imap://carol@h/inbox"));

        Assert.Contains("imap:// names no database", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Catalogue_EverySchemeTheIssueNames_FindsOneProtocol()
    {
        foreach (var scheme in new[] { "postgres", "postgresql", "mysql", "mariadb", "imap", "imaps", "smtp", "submission", "submissions" })
        {
            Assert.NotNull(ProtocolCatalogue.Find(scheme));
        }

        Assert.Null(ProtocolCatalogue.Find("http"));
    }

    [Theory]
    [InlineData("postgres://alice:secret@h/db", "password")]
    [InlineData("mysql://bob:@h", "password")]
    [InlineData("http://alice@h/db", "scheme")]
    [InlineData("alice@h", "not a probe URL")]
    [InlineData("postgres://h/db", "no user")]
    [InlineData("postgres://alice@h/db?sslmode=require", "query")]
    [InlineData("postgres://alice@h/db/extra", "segment")]
    public void Parse_InvalidUrl_ThrowsUsageNamingTheProblem(string text, string expected)
    {
        var ex = Assert.Throws<CliUsageException>(() => ProbeUrl.Parse(text));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_PasswordInUrl_ExitsUsageWithoutEchoingIt()
    {
        var run = await CliHost.RunAsync(new Dictionary<string, string>(), "probe", "postgres://alice:hunter2@127.0.0.1:1/db");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("password", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", run.Error + run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_MalformedUrlWithUserInfo_DoesNotEchoIt()
    {
        var run = await CliHost.RunAsync(new Dictionary<string, string>(), "probe", "postgres:/alice:hunter2@h");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.DoesNotContain("hunter2", run.Error + run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--sslmode", "sometimes")]
    [InlineData("--channel-binding", "maybe")]
    [InlineData("--plugin", "mysql_clear_password")]
    [InlineData("--timeout", "0")]
    public async Task Probe_InvalidOption_ExitsUsage(string option, string value)
    {
        var run = await CliHost.RunAsync(new Dictionary<string, string>(), "probe", "postgres://alice@127.0.0.1:1/db", option, value);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
    }

    [Fact]
    public async Task Probe_ChannelBindingRequireWithoutTls_ExitsUsage()
    {
        var run = await CliHost.RunAsync(new Dictionary<string, string>(), "probe", "postgres://alice@127.0.0.1:1/db", "--sslmode", "disable", "--channel-binding", "require");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("needs TLS", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_CaCertWithoutVerifyFull_ExitsUsage()
    {
        var run = await CliHost.RunAsync(new Dictionary<string, string>(), "probe", "postgres://alice@127.0.0.1:1/db", "--ca-cert", "/nonexistent.pem");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("verify-full", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("mysql")]
    public async Task Probe_NothingListening_ExitsCannotConnect(string scheme)
    {
        // A port that was just free: connection refused at once on loopback.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var run = await CliHost.RunAsync(new Dictionary<string, string> { ["HANDSHAKE_PASSWORD"] = "pw" }, "probe", $"{scheme}://alice@127.0.0.1:{port}/db", "--timeout", "5");

        Assert.Equal(ExitCodes.CannotConnect, run.ExitCode);
        Assert.Contains("diagnosis:", run.Output, StringComparison.Ordinal);
    }
}
