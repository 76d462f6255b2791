using System.Text.RegularExpressions;
using Handshake.Cli;
using Handshake.Interop.Tests.Cli;
using Handshake.Plugins.Resume;
using MySqlConnector;

namespace Handshake.Interop.Tests.Stores;

/// <summary>
/// Two `handshake serve` processes per protocol sharing one PostgreSQL store (the one tests/run.sh
/// starts) and the same key files: what one instance accepted, counted or showed, the other knows.
/// </summary>
public sealed partial class FleetTests(FleetFixture fleet) : IClassFixture<FleetFixture>
{
    [Fact]
    public void StoreInitAndUserList_ThroughTheCli_FillTheStore()
    {
        Assert.Contains("applied version(s) 1", fleet.InitOutput, StringComparison.Ordinal);
        Assert.Contains("nothing to do", fleet.SecondInitOutput, StringComparison.Ordinal);
        Assert.Contains("alice: SCRAM-SHA-256", fleet.ListOutput, StringComparison.Ordinal);
        Assert.Contains("dave: mysql_native_password -> totp", fleet.ListOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(FleetFixture.Password, fleet.ListOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Totp_CodeAcceptedThroughA_RefusedThroughB()
    {
        await AwayFromStepBoundaryAsync();
        var secret = fleet.TotpSecrets["dave"];
        var throughA = await ProbeTotpAsync(fleet.MySqlA, "dave", secret);
        Assert.True(throughA.ExitCode == ExitCodes.Success, throughA.ToString());

        var throughB = await ProbeTotpAsync(fleet.MySqlB, "dave", secret);
        Assert.True(throughB.ExitCode == ExitCodes.Rejected, throughB.ToString());
        await AssertLoggedAsync(fleet.MySqlB, "dave", "rejected, ReplayDetected");
        Assert.DoesNotContain(secret, fleet.MySqlA.Output + fleet.MySqlB.Output + throughA.Output + throughB.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Totp_WrongCodesSplitOverAAndB_LockOutBoth()
    {
        const string wrongSecret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
        for (var i = 0; i < 5; i++)
        {
            var run = await ProbeTotpAsync(i % 2 == 0 ? fleet.MySqlA : fleet.MySqlB, "erin", wrongSecret);
            Assert.True(run.ExitCode == ExitCodes.Rejected, run.ToString());
        }

        // Five failures, three through A and two through B: the lockout (5 by default) holds on both, even for the right code.
        var right = await ProbeTotpAsync(fleet.MySqlB, "erin", fleet.TotpSecrets["erin"]);
        Assert.True(right.ExitCode == ExitCodes.Rejected, right.ToString());
        await AssertLoggedAsync(fleet.MySqlB, "erin", "rejected, LockedOut");
        var rightOnA = await ProbeTotpAsync(fleet.MySqlA, "erin", fleet.TotpSecrets["erin"]);
        Assert.True(rightOnA.ExitCode == ExitCodes.Rejected, rightOnA.ToString());
        await AssertLoggedAsync(fleet.MySqlA, "erin", "rejected, LockedOut");
    }

    [Fact]
    public async Task UnknownUser_SameSaltAndIterationsOnAAndB_AndIterationsOfRealUsers()
    {
        var ghostA = await ServerFirstAsync(fleet.PostgresA, "ghost");
        var ghostB = await ServerFirstAsync(fleet.PostgresB, "ghost");
        Assert.Equal(ghostA, ghostB);

        var phantom = await ServerFirstAsync(fleet.PostgresA, "phantom");
        Assert.NotEqual(ghostA.Salt, phantom.Salt);

        var alice = await ServerFirstAsync(fleet.PostgresB, "alice");
        Assert.Equal(alice.Iterations, ghostA.Iterations);
        Assert.Equal(alice.Salt.Length, ghostA.Salt.Length);
    }

    [Fact]
    public async Task CachingSha2_ClientPinnedTheKeyOfA_LogsInThroughBOverRsa()
    {
        // carol has never logged in: B runs full authentication, the password RSA-encrypted to the pinned key.
        await using (var connection = new MySqlConnection(CarolConnectionString(fleet.MySqlB.Port)))
        {
            await connection.OpenAsync();
        }

        await AssertLoggedAsync(fleet.MySqlB, "carol", "accepted");

        // And A, which never saw carol, serves her from the shared fast-path cache B filled.
        await using (var connection = new MySqlConnection(CarolConnectionString(fleet.MySqlA.Port)))
        {
            await connection.OpenAsync();
        }

        await AssertLoggedAsync(fleet.MySqlA, "carol", "accepted");
    }

    [Fact]
    public async Task Resume_RedeemedOnA_SpentTokenReplayedOnB_RevokesTheFamilyOnA()
    {
        const string user = "rita";
        await using var owner = new FleetResumeClient(fleet.CertificatePath);
        var full = await owner.LoginAsync(fleet.PostgresA.Port, user, FleetFixture.Password);
        Assert.True(full.Result is not null, full.ToString());
        Assert.Equal("SCRAM-SHA-256-PLUS", full.Mechanism);
        Assert.NotNull(full.Token);
        owner.Remember(user, full.Token);
        var stolen = full.Token;

        var resumed = await owner.LoginAsync(fleet.PostgresA.Port, user, FleetFixture.Password);
        Assert.True(resumed.Result is not null, resumed.ToString());
        Assert.Equal(ResumePluginNames.Resume, resumed.Mechanism);
        Assert.Null(resumed.Token);
        await AssertLoggedAsync(fleet.PostgresA, user, "resume Accepted");

        // After the retry grace, the spent first token shown to B is theft: refused, and its whole family revoked in the store.
        await Task.Delay(new ResumeServerOptions().ReuseGrace + TimeSpan.FromSeconds(1));
        await using var thief = new FleetResumeClient(fleet.CertificatePath);
        thief.Remember(user, stolen);
        var replay = await thief.LoginAsync(fleet.PostgresB.Port, user, null);
        Assert.True(replay.Result is null, replay.ToString());
        await AssertLoggedAsync(fleet.PostgresB, user, "resume ReusedFamilyRevoked");

        // The owner's rotated token, never used, belongs to the revoked family: A refuses it too.
        var rotated = await owner.LoginAsync(fleet.PostgresA.Port, user, FleetFixture.Password);
        Assert.True(rotated.Result is null, rotated.ToString());
        await AssertLoggedAsync(fleet.PostgresA, user, "resume Revoked");
        Assert.DoesNotContain(stolen, fleet.PostgresA.Output + fleet.PostgresB.Output + fleet.PostgresA.Error + fleet.PostgresB.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resume_UserSignedOutThroughTheCli_BRefusesTheToken()
    {
        const string user = "sam";
        await using var client = new FleetResumeClient(fleet.CertificatePath);
        var full = await client.LoginAsync(fleet.PostgresB.Port, user, FleetFixture.Password);
        Assert.True(full.Token is not null, full.ToString());
        client.Remember(user, full.Token);

        var signout = await ServeProcess.RunAsync(null, "user", "signout", user, "--store", fleet.StoreLocation);
        Assert.True(signout.ExitCode == 0, signout.Combined);
        Assert.Contains($"signed out {user}: 1 resume token family revoked", signout.StandardOutput, StringComparison.Ordinal);

        var after = await client.LoginAsync(fleet.PostgresB.Port, user, FleetFixture.Password);
        Assert.True(after.Result is null, after.ToString());
        await AssertLoggedAsync(fleet.PostgresB, user, "resume Revoked");

        // The refused token left the client's cache (single-use): the next connection is a full login again.
        var again = await client.LoginAsync(fleet.PostgresB.Port, user, FleetFixture.Password);
        Assert.Equal("SCRAM-SHA-256-PLUS", again.Mechanism);
    }

    [Fact]
    public async Task Resume_TokenIssuedOnA_RedeemsOnBAndRotates()
    {
        const string user = "tess";
        await using var client = new FleetResumeClient(fleet.CertificatePath);
        var full = await client.LoginAsync(fleet.PostgresA.Port, user, FleetFixture.Password);
        Assert.True(full.Token is not null, full.ToString());
        client.Remember(user, full.Token);
        await AssertLoggedAsync(fleet.PostgresA, user, "resume token issued");

        for (var i = 0; i < 2; i++)
        {
            var resumed = await client.LoginAsync(i == 0 ? fleet.PostgresB.Port : fleet.PostgresA.Port, user, null);
            Assert.True(resumed.Result is not null, resumed.ToString());
            Assert.Equal(ResumePluginNames.Resume, resumed.Mechanism);
        }

        await AssertLoggedAsync(fleet.PostgresB, user, "resume Accepted");
        await AssertLoggedAsync(fleet.PostgresA, user, "generation 2)");
    }

    private static async Task AssertLoggedAsync(ServeProcess server, string user, string outcome)
    {
        bool Match(string line) => line.Contains($"user {user} ", StringComparison.Ordinal) && (line.Contains($": {outcome}", StringComparison.Ordinal) || line.Contains($", {outcome}", StringComparison.Ordinal));
        var output = await server.WaitForOutputAsync(Match);
        Assert.True(output.Split('\n').Any(Match), $"no line 'user {user} ...: {outcome}' in the server's log:\n{output}\n{server.Error}");
    }

    private string CarolConnectionString(int port) => new MySqlConnectionStringBuilder
    {
        Server = "127.0.0.1",
        Port = (uint)port,
        UserID = "carol",
        Password = FleetFixture.Password,
        SslMode = MySqlSslMode.None,
        ServerRsaPublicKeyFile = fleet.RsaPublicKeyPath,
        AllowPublicKeyRetrieval = false,
        Pooling = false,
        ConnectionTimeout = 15,
    }.ConnectionString;

    private async Task<(int ExitCode, string Output, string Error)> ProbeTotpAsync(ServeProcess server, string user, string secret)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var environment = new CliEnvironment
        {
            Output = output,
            Error = error,
            GetEnvironmentVariable = name => name switch
            {
                "HANDSHAKE_PASSWORD" => FleetFixture.Password,
                "HANDSHAKE_PASSWORD2" => secret,
                _ => null,
            },
        };
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var exit = await HandshakeCommand.InvokeAsync(["probe", $"mysql://{user}@127.0.0.1:{server.Port}", "--timeout", "20", "--sslmode", "verify-full", "--ca-cert", fleet.CertificatePath], environment, limit.Token);
        return (exit, output.ToString(), error.ToString());
    }

    private static async Task<(string Salt, string Iterations)> ServerFirstAsync(ServeProcess server, string user)
    {
        var run = await CliProbeRun.RunAsync("not the password", $"postgres://{user}@127.0.0.1:{server.Port}/db", "--sslmode", "disable");
        Assert.True(run.ExitCode == ExitCodes.Rejected, $"{run.ExitCode}\n{run.Output}\n{run.Error}");
        var match = ServerFirst().Match(run.Output);
        Assert.True(match.Success, run.Output);
        return (match.Groups[1].Value, match.Groups[2].Value);
    }

    /// <summary>Waits out the last seconds of a 30 s TOTP step, so two logins meant to share a code do.</summary>
    private static async Task AwayFromStepBoundaryAsync()
    {
        var intoStep = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() % 30_000;
        if (intoStep > 20_000)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(30_000 - intoStep + 200));
        }
    }

    [GeneratedRegex(@"s=([A-Za-z0-9+/=]+),i=(\d+)")]
    private static partial Regex ServerFirst();
}
