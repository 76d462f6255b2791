using System.Globalization;
using System.Text;
using Handshake.Interop.Tests.Infrastructure;

namespace Handshake.Interop.Tests.PostgreSql;

/// <summary>Creates login roles on the real PostgreSQL, passwords written as U&amp;'' escapes so no shell or client encoding touches them.</summary>
internal static class PgRoles
{
    /// <summary>Creates (or re-creates) a login role with a SCRAM-SHA-256 verifier of <paramref name="password"/>.</summary>
    public static Task CreateAsync(PostgresServer server, string role, string password) =>
        server.ExecuteAsync(
            $"SET password_encryption = 'scram-sha-256';\n" +
            $"DROP ROLE IF EXISTS {role};\n" +
            $"CREATE ROLE {role} LOGIN PASSWORD {UnicodeEscapedLiteral(password)};\n");

    /// <summary>A U&amp;'...' literal: printable ASCII as is, everything else as \+XXXXXX.</summary>
    public static string UnicodeEscapedLiteral(string value)
    {
        var literal = new StringBuilder("U&'");
        foreach (var rune in value.EnumerateRunes())
        {
            if (rune.Value is >= 0x20 and < 0x7F && rune.Value != '\'' && rune.Value != '\\')
            {
                literal.Append((char)rune.Value);
            }
            else
            {
                literal.Append(CultureInfo.InvariantCulture, $"\\+{rune.Value:X6}");
            }
        }

        return literal.Append('\'').ToString();
    }
}
