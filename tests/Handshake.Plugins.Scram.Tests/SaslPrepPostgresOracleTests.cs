using System.Security.Cryptography;
using System.Text;
using Handshake.Plugins.Scram.Internal;
using Xunit.Abstractions;

namespace Handshake.Plugins.Scram.Tests;

/// <summary>
/// A real PostgreSQL 15 as the oracle for SaslPrep.PreparePassword: the server derives each role's SCRAM verifier
/// with pg_saslprep (and its raw-bytes fallback); the same derivation over our prepared bytes must give the same
/// StoredKey and ServerKey.
/// </summary>
public sealed class SaslPrepPostgresOracleTests(SaslPrepPostgresServer server, ITestOutputHelper output) : IClassFixture<SaslPrepPostgresServer>
{
    public static TheoryData<string> Roles => new(SaslPrepOracleCases.All.Select(c => c.Role));

    [Theory]
    [MemberData(nameof(Roles))]
    public void PreparePassword_PostgresStoredVerifier_MatchesOurDerivation(string role)
    {
        if (ServerUnavailable())
        {
            return;
        }

        var oracle = SaslPrepOracleCases.All.Single(c => c.Role == role);
        Assert.True(server.Verifiers.TryGetValue(role, out var verifier), $"PostgreSQL stored no password for {role}.");

        // SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>
        var parts = verifier.Split('$');
        Assert.Equal(3, parts.Length);
        Assert.Equal("SCRAM-SHA-256", parts[0]);
        var iterationAndSalt = parts[1].Split(':');
        var keys = parts[2].Split(':');
        int iterations = int.Parse(iterationAndSalt[0], System.Globalization.CultureInfo.InvariantCulture);
        var salt = Convert.FromBase64String(iterationAndSalt[1]);

        var utf8 = Encoding.UTF8.GetBytes(oracle.Password);
        var prepared = SaslPrep.PreparePassword(utf8);
        try
        {
            var salted = Rfc2898DeriveBytes.Pbkdf2(prepared, salt, iterations, HashAlgorithmName.SHA256, 32);
            var clientKey = HMACSHA256.HashData(salted, "Client Key"u8);
            var storedKey = SHA256.HashData(clientKey);
            var serverKey = HMACSHA256.HashData(salted, "Server Key"u8);

            bool raw = prepared.AsSpan().SequenceEqual(utf8);
            output.WriteLine($"{server.ServerVersion}; {role} ({oracle.Label}): {(raw ? "raw UTF-8 bytes" : "SASLprep output")}, {iterations} iterations");

            Assert.Equal(Convert.FromBase64String(keys[0]), storedKey);
            Assert.Equal(Convert.FromBase64String(keys[1]), serverKey);
            Assert.Equal(oracle.ExpectRaw, raw);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(prepared);
        }
    }

    [Fact]
    public void Server_StoredEveryOraclePassword()
    {
        if (ServerUnavailable())
        {
            return;
        }

        Assert.Equal(SaslPrepOracleCases.All.Select(c => c.Role).Order(StringComparer.Ordinal), server.Verifiers.Keys.Order(StringComparer.Ordinal));
    }

    private bool ServerUnavailable()
    {
        if (server.UnavailableReason is null)
        {
            return false;
        }

        if (Environment.GetEnvironmentVariable("HANDSHAKE_REQUIRE_SERVERS") == "1")
        {
            Assert.Fail(server.UnavailableReason + " HANDSHAKE_REQUIRE_SERVERS=1 requires it.");
        }

        output.WriteLine("Not run: " + server.UnavailableReason);
        return true;
    }
}
