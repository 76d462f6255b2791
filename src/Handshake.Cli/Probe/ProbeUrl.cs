using System.Globalization;
using Handshake.Cli.Protocols;

namespace Handshake.Cli.Probe;

/// <summary>
/// A parsed probe target: <c>scheme://user@host[:port][/db]</c>, the scheme naming a protocol of the
/// <see cref="ProtocolCatalogue"/> (postgres, mysql, imap, imaps, smtp, submission, submissions).
/// A password in the URL is refused: it would sit in shell history and the process list.
/// </summary>
internal sealed record ProbeUrl(CliProtocol Protocol, string UserName, string Host, int Port, string? Database)
{
    public static ProbeUrl Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            throw new CliUsageException($"'{Shown(text)}' is not a probe URL; expected scheme://user@host[:port][/db] with a scheme of {string.Join(", ", ProtocolCatalogue.Schemes)}");
        }

        var protocol = ProtocolCatalogue.Find(text[..schemeEnd])
            ?? throw new CliUsageException($"unknown URL scheme '{Shown(text[..schemeEnd])}'; use one of {string.Join(", ", ProtocolCatalogue.Schemes.Select(s => s + "://"))}");

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

        if (path.Length > 0 && !protocol.HasDatabase)
        {
            throw new CliUsageException($"{protocol.Name}:// names no database, but the URL has the path '{Shown(path)}'; expected {Example(protocol)}");
        }

        // Uri knows some schemes' ports (smtp 25) and not others: the catalogue's port is the one used.
        var explicitPort = text.AsSpan(schemeEnd + 3).IndexOf('@') is var at and >= 0 && HasPort(text[(schemeEnd + 3 + at + 1)..]);
        var port = !explicitPort || uri.Port < 0 ? protocol.DefaultPort : uri.Port;
        if (port is < 1 or > 65535)
        {
            throw new CliUsageException(string.Create(CultureInfo.InvariantCulture, $"port {port} is out of range"));
        }

        return new ProbeUrl(protocol, user, uri.IdnHost.Trim('[', ']'), port, path.Length == 0 ? null : path);
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Protocol.Name}://{UserName}@{(Host.Contains(':', StringComparison.Ordinal) ? "[" + Host + "]" : Host)}:{Port}{(Database is null ? string.Empty : "/" + Database)}");

    private static string Example(CliProtocol protocol) => protocol.Example;

    /// <summary>Whether the authority after the '@' names a port (host:port or [v6]:port).</summary>
    private static bool HasPort(string rest)
    {
        var end = rest.IndexOfAny(['/', '?', '#']);
        var authority = end < 0 ? rest : rest[..end];
        var close = authority.LastIndexOf(']');
        return authority.LastIndexOf(':') > close;
    }

    // A malformed URL may still hold a password before its '@': echo nothing of such text.
    private static string Shown(string text) =>
        text.Contains('@', StringComparison.Ordinal) ? "(the URL, not shown: it has user information)" : text.Length > 60 ? text[..60] + "…" : text;
}
