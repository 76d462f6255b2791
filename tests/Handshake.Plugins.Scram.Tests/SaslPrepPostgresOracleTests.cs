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

        var (iterations, salt, storedKey, serverKey) = ParseVerifier(verifier);
        var utf8 = Encoding.UTF8.GetBytes(oracle.Password);
        var prepared = SaslPrep.PreparePassword(utf8);
        try
        {
            var (ourStoredKey, ourServerKey) = DeriveKeys(prepared, salt, iterations);
            bool raw = prepared.AsSpan().SequenceEqual(utf8);
            output.WriteLine($"{server.ServerVersion}; {role} ({oracle.Label}): {(raw ? "raw UTF-8 bytes" : "SASLprep output")}, {iterations} iterations");

            Assert.Equal(storedKey, ourStoredKey);
            Assert.Equal(serverKey, ourServerKey);
            Assert.Equal(oracle.ExpectRaw, raw);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(prepared);
        }
    }

    [Fact]
    public void PreparePassword_SeededRandomPasswords_MatchPostgresStoredVerifiers()
    {
        if (ServerUnavailable())
        {
            return;
        }

        int raw = 0;
        var mismatches = new List<string>();
        foreach (var oracle in SaslPrepOracleCases.Random)
        {
            var utf8 = Encoding.UTF8.GetBytes(oracle.Password);
            var prepared = SaslPrep.PreparePassword(utf8);
            try
            {
                raw += prepared.AsSpan().SequenceEqual(utf8) ? 1 : 0;
                if (!Matches(server.Verifiers[oracle.Role], prepared))
                {
                    // Test passwords, not secrets: the escaped form makes a failure reproducible.
                    mismatches.Add($"{oracle.Role}: {string.Concat(oracle.Password.EnumerateRunes().Select(r => $"U+{r.Value:X4} "))}");
                }
            }
            finally
            {
                CryptographicOperations.ZeroMemory(prepared);
            }
        }

        output.WriteLine($"{SaslPrepOracleCases.Random.Count} random passwords, {raw} hashed as raw UTF-8 bytes, {SaslPrepOracleCases.Random.Count - raw} as SASLprep output.");
        Assert.True(mismatches.Count == 0, "Verifier differs from PostgreSQL for: " + string.Join("; ", mismatches));
    }

    [Fact]
    public void Server_StoredEveryOraclePassword()
    {
        if (ServerUnavailable())
        {
            return;
        }

        Assert.Equal(SaslPrepOracleCases.Everything.Select(c => c.Role).Order(StringComparer.Ordinal), server.Verifiers.Keys.Order(StringComparer.Ordinal));
    }

    private static bool Matches(string verifier, byte[] prepared)
    {
        var (iterations, salt, storedKey, serverKey) = ParseVerifier(verifier);
        var (ourStoredKey, ourServerKey) = DeriveKeys(prepared, salt, iterations);
        return ourStoredKey.AsSpan().SequenceEqual(storedKey) && ourServerKey.AsSpan().SequenceEqual(serverKey);
    }

    // pg_authid.rolpassword: SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>
    private static (int Iterations, byte[] Salt, byte[] StoredKey, byte[] ServerKey) ParseVerifier(string verifier)
    {
        var parts = verifier.Split('$');
        Assert.Equal(3, parts.Length);
        Assert.Equal("SCRAM-SHA-256", parts[0]);
        var iterationAndSalt = parts[1].Split(':');
        var keys = parts[2].Split(':');
        return (int.Parse(iterationAndSalt[0], System.Globalization.CultureInfo.InvariantCulture), Convert.FromBase64String(iterationAndSalt[1]),
            Convert.FromBase64String(keys[0]), Convert.FromBase64String(keys[1]));
    }

    // RFC 5802 §3: SaltedPassword = Hi(password, salt, i); StoredKey = H(HMAC(SaltedPassword, "Client Key")).
    private static (byte[] StoredKey, byte[] ServerKey) DeriveKeys(byte[] prepared, byte[] salt, int iterations)
    {
        var salted = Rfc2898DeriveBytes.Pbkdf2(prepared, salt, iterations, HashAlgorithmName.SHA256, 32);
        try
        {
            return (SHA256.HashData(HMACSHA256.HashData(salted, "Client Key"u8)), HMACSHA256.HashData(salted, "Server Key"u8));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(salted);
        }
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
