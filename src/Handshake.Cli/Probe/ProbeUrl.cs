using System.Globalization;

namespace Handshake.Cli.Probe;

/// <summary>
/// A parsed probe target: <c>postgres://user@host:port/db</c> or <c>mysql://user@host:port[/db]</c>.
/// A password in the URL is refused: it would sit in shell history and the process list.
/// </summary>
internal sealed record ProbeUrl(ProbeProtocol Protocol, string UserName, string Host, int Port, string? Database)
{
    public const int PostgreSqlDefaultPort = 5432;

    public const int MySqlDefaultPort = 3306;

    public static ProbeUrl Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            throw new CliUsageException($"'{Shown(text)}' is not a probe URL; expected postgres://user@host:port/db or mysql://user@host:port");
        }

        var protocol = text[..schemeEnd].ToUpperInvariant() switch
        {
            "POSTGRES" or "POSTGRESQL" => ProbeProtocol.PostgreSql,
            "MYSQL" or "MARIADB" => ProbeProtocol.MySql,
            _ => throw new CliUsageException($"unknown URL scheme '{Shown(text[..schemeEnd])}'; use postgres:// or mysql://"),
        };

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new CliUsageException($"'{Shown(text)}' is not a valid URL; expected {Example(protocol)}");
        }

        var userInfo = uri.UserInfo;
        if (userInfo.Contains(':', StringComparison.Ordinal))
        {
            // Never echo the URL back here: it holds a password.
            throw new CliUsageException("the URL contains a password; never put secrets on the command line: set HANDSHAKE_PASSWORD or let probe prompt for it");
        }

        var user = Uri.UnescapeDataString(userInfo);
        if (user.Length == 0)
        {
            throw new CliUsageException($"the URL names no user; expected {Example(protocol)}");
        }

        if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            throw new CliUsageException("the URL has a query or fragment; give options on the command line (--sslmode, --channel-binding, --plugin)");
        }

        var path = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (path.Contains('/', StringComparison.Ordinal))
        {
            throw new CliUsageException($"the URL path '{Shown(path)}' has more than one segment; expected {Example(protocol)}");
        }

        var port = uri.IsDefaultPort || uri.Port < 0
            ? (protocol == ProbeProtocol.PostgreSql ? PostgreSqlDefaultPort : MySqlDefaultPort)
            : uri.Port;
        if (port is < 1 or > 65535)
        {
            throw new CliUsageException(string.Create(CultureInfo.InvariantCulture, $"port {port} is out of range"));
        }

        return new ProbeUrl(protocol, user, uri.IdnHost.Trim('[', ']'), port, path.Length == 0 ? null : path);
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{(Protocol == ProbeProtocol.PostgreSql ? "postgres" : "mysql")}://{UserName}@{(Host.Contains(':', StringComparison.Ordinal) ? "[" + Host + "]" : Host)}:{Port}{(Database is null ? string.Empty : "/" + Database)}");

    private static string Example(ProbeProtocol protocol) =>
        protocol == ProbeProtocol.PostgreSql ? "postgres://user@host:port/db" : "mysql://user@host:port";

    // A malformed URL may still hold a password before its '@': echo nothing of such text.
    private static string Shown(string text) =>
        text.Contains('@', StringComparison.Ordinal) ? "(the URL, not shown: it has user information)" : text.Length > 60 ? text[..60] + "…" : text;
}
