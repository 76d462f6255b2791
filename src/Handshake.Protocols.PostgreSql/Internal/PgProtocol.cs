namespace Handshake.Protocols.PostgreSql.Internal;

/// <summary>Constants of the PostgreSQL frontend/backend protocol 3.0 (PostgreSQL docs, "Message Formats").</summary>
internal static class PgProtocol
{
    /// <summary>Protocol version 3.0 in a StartupMessage.</summary>
    public const int ProtocolVersion3 = 196608;

    /// <summary>The SSLRequest code (1234 in the high 16 bits, 5679 in the low).</summary>
    public const int SslRequestCode = 80877103;

    /// <summary>The GSSENCRequest code.</summary>
    public const int GssEncRequestCode = 80877104;

    /// <summary>The CancelRequest code.</summary>
    public const int CancelRequestCode = 80877102;

    /// <summary>PostgreSQL's own bound on a startup packet (MAX_STARTUP_PACKET_LENGTH in pqcomm.h).</summary>
    public const int MaxStartupPacketLength = 10000;

    /// <summary>The longest mechanism list or name accepted in an AuthenticationSASL body.</summary>
    public const int MaxMechanisms = 64;

    public const byte Authentication = (byte)'R';
    public const byte ErrorResponse = (byte)'E';
    public const byte NoticeResponse = (byte)'N';
    public const byte ParameterStatus = (byte)'S';
    public const byte BackendKeyData = (byte)'K';
    public const byte ReadyForQuery = (byte)'Z';
    public const byte NegotiateProtocolVersion = (byte)'v';
    public const byte PasswordMessage = (byte)'p';
    public const byte Query = (byte)'Q';
    public const byte Terminate = (byte)'X';
    public const byte Sync = (byte)'S';

    public const int AuthOk = 0;
    public const int AuthKerberosV5 = 2;
    public const int AuthCleartextPassword = 3;
    public const int AuthMd5Password = 5;
    public const int AuthGss = 7;
    public const int AuthGssContinue = 8;
    public const int AuthSspi = 9;
    public const int AuthSasl = 10;
    public const int AuthSaslContinue = 11;
    public const int AuthSaslFinal = 12;
}
