using System.Text;

namespace Handshake.Protocols.PostgreSql.Internal;

/// <summary>The wire's text encoding: strict UTF-8, so a malformed string is a protocol violation rather than a guess.</summary>
internal static class PgEncoding
{
    public static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
