using System.Text.RegularExpressions;
using Handshake.Plugins.Scram;

namespace Handshake.Cli.Tests;

/// <summary>
/// serve's unknown-user answers survive a restart (the key is generated once and kept next to
/// users.json) and show the iteration count real users have; the store options reject mistakes.
/// </summary>
public sealed partial class ServeSharedStateTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("handshake-serve-state-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Serve_Restarted_UnknownUserGetsTheSameSaltAndTheRealIterationCount()
    {
        var users = UsersJson(iterations: 5000);
        var first = await GhostServerFirstAsync(users);
        Assert.True(File.Exists(Path.Combine(_directory, ".handshake-unknown-user-key")));
        var second = await GhostServerFirstAsync(users);

        Assert.Equal(first.Salt, second.Salt);
        Assert.Equal("5000", first.Iterations);
    }

    [Fact]
    public async Task Serve_UnknownUserKeyFile_UsedInsteadOfAGeneratedOne()
    {
        var keyFile = Path.Combine(_directory, "uuk.b64");
        await File.WriteAllTextAsync(keyFile, Convert.ToBase64String(new byte[32]));
        var users = UsersJson(iterations: 4096);
        var withKey = await GhostServerFirstAsync(users, "--unknown-user-key-file", keyFile);
        Assert.False(File.Exists(Path.Combine(_directory, ".handshake-unknown-user-key")));
        var expected = ServerSecrets.DeriveForUnknownUser(new byte[32], "SCRAM-SHA-256 salt", "ghost").AsSpan(0, ScramCredential.DefaultSaltLength).ToArray();
        Assert.Equal(Convert.ToBase64String(expected), withKey.Salt);
    }

    [Fact]
    public async Task Serve_UsersAndStoreTogether_ExitsUsage()
    {
        var run = await CliHost.RunAsync(new Dictionary<string, string>(), "serve", "postgres", "--users", UsersJson(4096), "--store", "postgres://u@127.0.0.1/db");
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("exactly one of --users", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_ResumeOverMySql_ExitsUsageNamingPostgres()
    {
        var run = await CliHost.RunAsync(new Dictionary<string, string>(), "serve", "mysql", "--users", UsersJson(4096), "--resume");
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("use serve postgres", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_ResumeKeyWithoutResume_ExitsUsage()
    {
        var run = await CliHost.RunAsync(new Dictionary<string, string>(), "serve", "postgres", "--users", UsersJson(4096), "--resume-hash-key-file", UsersJson(4096));
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("--resume-hash-key-file needs --resume", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("postgres://u:secret@127.0.0.1/db", "no password in the URL")]
    [InlineData("mysql://u@127.0.0.1/db", "expected postgres://")]
    [InlineData("postgres://u@127.0.0.1/db?color=blue", "unknown parameter 'color'")]
    public async Task UserList_BadStoreUrl_ExitsUsageWithoutConnecting(string location, string message)
    {
        var run = await CliHost.RunAsync(new Dictionary<string, string>(), "user", "list", "--store", location);
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UserAdd_PasswordFactorSecond_ExitsUsage()
    {
        var run = await CliHost.RunAsync(new Dictionary<string, string>(), "user", "add", "alice", "--store", "postgres://u@127.0.0.1/db", "--factor", "totp", "--factor", "SCRAM-SHA-256");
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("may only be factor 1", run.Error, StringComparison.Ordinal);
    }

    private static async Task<(string Salt, string Iterations)> GhostServerFirstAsync(string users, params string[] extra)
    {
        await using var server = await CliHost.StartServeAsync(["postgres", "--port", "0", "--users", users, .. extra]);
        var run = await CliHost.RunAsync(new Dictionary<string, string> { ["HANDSHAKE_PASSWORD"] = "whatever" }, "probe", $"postgres://ghost@127.0.0.1:{server.Port}/db", "--sslmode", "disable", "--timeout", "20");
        _ = await server.StopAsync();
        var match = ServerFirst().Match(run.Output);
        Assert.True(match.Success, run.ToString());
        return (match.Groups[1].Value, match.Groups[2].Value);
    }

    private string UsersJson(int iterations)
    {
        var path = Path.Combine(_directory, "users.json");
        var scram = ScramCredential.Create("pw", SystemRandomSource.Instance, iterations).Format();
        File.WriteAllText(path, $$"""{"users":[{"name":"alice","factors":[{"plugin":"SCRAM-SHA-256","stored":"{{scram}}"}]}]}""");
        return path;
    }

    [GeneratedRegex(@"s=([A-Za-z0-9+/=]+),i=(\d+)")]
    private static partial Regex ServerFirst();
}
