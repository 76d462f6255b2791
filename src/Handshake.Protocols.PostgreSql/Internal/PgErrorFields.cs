namespace Handshake.Protocols.PostgreSql.Internal;

/// <summary>The fields of an ErrorResponse or NoticeResponse that matter here: severity (V, else S), SQLSTATE (C), message (M).</summary>
internal readonly record struct PgErrorFields(string? Severity, string? Code, string? Message)
{
    public static PgErrorFields Parse(ReadOnlySpan<byte> body)
    {
        var reader = new PgReader(body);
        string? severity = null, localized = null, code = null, message = null;
        while (true)
        {
            var field = reader.ReadByte();
            if (field == 0)
            {
                break;
            }

            var value = reader.ReadCString();
            switch ((char)field)
            {
                case 'V': severity = value; break;
                case 'S': localized = value; break;
                case 'C': code = value; break;
                case 'M': message = value; break;
                default: break;
            }
        }

        return new PgErrorFields(severity ?? localized, code, message);
    }
}
