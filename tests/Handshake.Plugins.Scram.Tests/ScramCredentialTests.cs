namespace Handshake.Plugins.Scram.Tests;

/// <summary>PostgreSQL's stored SCRAM-SHA-256 verifier: parse, format, create.</summary>
public sealed class ScramCredentialTests
{
    public static TheoryData<string, string> PostgresVerifiers => new()
    {
        // From a real PostgreSQL 15 (CREATE ROLE ... PASSWORD '...'; SELECT rolpassword FROM pg_authid).
        { "pencil", "SCRAM-SHA-256$4096:1W3yRaQZB5OZXzNeayaZtQ==$zRmbvCrI9d9fed/j85aK+y1ubVGLN3lbtsxnnfbaZ2s=:iYOg0Uym4XIT62nyDCNs4TXtlyFj9FIL2pmB+7oEsYA=" },
        { "foobar", "SCRAM-SHA-256$4096:XdpiTOb4KIiBW1PZTtkbYg==$D+crQuwHDSKjuEU2r8E99PkTqVUtXHmhQ/LI15u78Ds=:Yis98LH/P57EmrgBFi+AqPmBVhosc6WWJa3WRzB0a2Q=" },

        // Computed independently with Python's hashlib.pbkdf2_hmac / hmac.
        { "foobar", "SCRAM-SHA-256$4096:AAECAwQFBgcICQoLDA0ODw==$GVtA56Y/lI7cWaw+uvT029t5aIIH9Yjaj0lWHY4kSCk=:ReztaHy2G2wk1v0TdtyzDIj82oO8wMQkIOONam3o6Zg=" },
    };

    [Theory]
    [MemberData(nameof(PostgresVerifiers))]
    public void Create_SameSaltAndIterations_EqualsPostgresVerifier(string password, string stored)
    {
        var parsed = ScramCredential.Parse(stored);
        var made = ScramCredential.Create(password, parsed.Salt.Span, parsed.Iterations);
        Assert.Equal(stored, made.Format());
    }

    [Theory]
    [MemberData(nameof(PostgresVerifiers))]
    public void Parse_PostgresVerifier_RoundTrips(string password, string stored)
    {
        _ = password;
        var parsed = ScramCredential.Parse(stored);
        Assert.Equal(4096, parsed.Iterations);
        Assert.Equal(16, parsed.Salt.Length);
        Assert.Equal(32, parsed.StoredKey.Length);
        Assert.Equal(32, parsed.ServerKey.Length);
        Assert.Equal(stored, parsed.Format());
        Assert.Equal(stored, parsed.ToStoredCredential().Value);
        Assert.True(ScramCredential.TryParse(stored, out _));
    }

    [Fact]
    public void Create_WithRandomSource_Uses16ByteSaltFromIt()
    {
        var made = ScramCredential.Create("pencil", new PinnedRandom(9), 5000);
        Assert.Equal(Enumerable.Repeat((byte)9, 16).ToArray(), made.Salt.ToArray());
        Assert.Equal(5000, made.Iterations);
        Assert.StartsWith("SCRAM-SHA-256$5000:CQkJCQkJCQkJCQkJCQkJCQ==$", made.Format(), StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_NeverShowsKeys()
    {
        var made = ScramCredential.Create("pencil", new PinnedRandom(9), 4096);
        Assert.DoesNotContain(Convert.ToBase64String(made.ServerKey.Span), made.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(made.StoredKey.Span), made.ToString(), StringComparison.Ordinal);
    }

    public static TheoryData<string> Malformed => new()
    {
        string.Empty,
        "md5abcdef",
        "SCRAM-SHA-256$",
        "SCRAM-SHA-256$4096:c2FsdA==",
        "SCRAM-SHA-256$4096:c2FsdA==$AAAA",
        "SCRAM-SHA-256$0:c2FsdA==$GVtA56Y/lI7cWaw+uvT029t5aIIH9Yjaj0lWHY4kSCk=:ReztaHy2G2wk1v0TdtyzDIj82oO8wMQkIOONam3o6Zg=",
        "SCRAM-SHA-256$-1:c2FsdA==$GVtA56Y/lI7cWaw+uvT029t5aIIH9Yjaj0lWHY4kSCk=:ReztaHy2G2wk1v0TdtyzDIj82oO8wMQkIOONam3o6Zg=",
        "SCRAM-SHA-256$x:c2FsdA==$GVtA56Y/lI7cWaw+uvT029t5aIIH9Yjaj0lWHY4kSCk=:ReztaHy2G2wk1v0TdtyzDIj82oO8wMQkIOONam3o6Zg=",
        "SCRAM-SHA-256$4096:$GVtA56Y/lI7cWaw+uvT029t5aIIH9Yjaj0lWHY4kSCk=:ReztaHy2G2wk1v0TdtyzDIj82oO8wMQkIOONam3o6Zg=",
        "SCRAM-SHA-256$4096:c2F*dA==$GVtA56Y/lI7cWaw+uvT029t5aIIH9Yjaj0lWHY4kSCk=:ReztaHy2G2wk1v0TdtyzDIj82oO8wMQkIOONam3o6Zg=",
        "SCRAM-SHA-256$4096:c2FsdA==$GVtA56Y/lI7cWaw+uvT029t5aIIH9Yjaj0lWHY4k:ReztaHy2G2wk1v0TdtyzDIj82oO8wMQkIOONam3o6Zg=",
        "SCRAM-SHA-256$4096:c2FsdA==$GVtA56Y/lI7cWaw+uvT029t5aIIH9Yjaj0lWHY4kSCk=:ReztaHy2G2wk1v0TdtyzDIj82oO8wMQkIOONam3o6Zg=:extra",
        "SCRAM-SHA-256$4096:c2FsdA==$GVtA56Y/lI7cWaw+uvT029t5aIIH9Yjaj0lWHY4kSCk=:ReztaHy2G2wk1v0TdtyzDIj82oO8wMQkIOONam3o6Zg=$x",
        "SCRAM-SHA-256$4096:c2Fs dA==$GVtA56Y/lI7cWaw+uvT029t5aIIH9Yjaj0lWHY4kSCk=:ReztaHy2G2wk1v0TdtyzDIj82oO8wMQkIOONam3o6Zg=",
        "SCRAM-SHA-256$4096:c2FsdA==$" + new string('A', 2000),
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Parse_Malformed_ThrowsInvalidStoredCredentialWithoutEcho(string stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var ex = Assert.Throws<HandshakeException>(() => ScramCredential.Parse(stored));
        Assert.Equal(AuthErrorCode.InvalidStoredCredential, ex.Code);
        Assert.False(ScramCredential.TryParse(stored, out _));
        if (stored.Length > 20)
        {
            Assert.DoesNotContain(stored[14..], ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Create_EmptySaltOrZeroIterations_Throws()
    {
        Assert.Throws<ArgumentException>(() => ScramCredential.Create("pencil", ReadOnlySpan<byte>.Empty, 4096));
        Assert.Throws<ArgumentOutOfRangeException>(() => ScramCredential.Create("pencil", [1, 2], 0));
    }

    [Fact]
    public void Create_Rfc7677SaltAndPassword_ServerAcceptsRfcTranscript()
    {
        // The StoredKey made here also verifies RFC 7677's client proof (ScramVerifierTests.ProcessAsync_Rfc7677Transcript_MatchesByteForByte).
        var made = ScramCredential.Create("pencil", Convert.FromBase64String("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
        Assert.StartsWith("SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$", made.Format(), StringComparison.Ordinal);
    }
}
