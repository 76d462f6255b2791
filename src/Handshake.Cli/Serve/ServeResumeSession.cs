using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Handshake.Plugins.Resume;

namespace Handshake.Cli.Serve;

/// <summary>
/// Session resumption for one connection of <c>serve --resume</c>. The engine has no issuing hook and
/// PostgreSQL's startup phase has no message for a token, so the token is delivered after login, when
/// the client asks: it wraps the connection's acceptor factory (to put a <see cref="ResumedSession"/>
/// in the acceptor's properties and keep the acceptor), and when the post-login phase starts it issues
/// the first token of a new family for a full login over a confidential transport. The client reads
/// it with <c>SHOW handshake.resume_token</c>. A resumed login gets no new family: its rotated token
/// already came in the mechanism's final data.
/// </summary>
internal sealed class ServeResumeSession(IAuthAcceptorFactory inner, IResumeTokenIssuer issuer) : IAuthAcceptorFactory
{
    private readonly ResumedSession _session = new();
    private AuthAcceptor? _acceptor;
    private TransportSecurity _transport = TransportSecurity.None;
    private string? _issued;
    private string? _notIssued;

    public AuthAcceptor Create(TransportSecurity? transport = null, AcceptorStartMode mode = AcceptorStartMode.Begin, IReadOnlyDictionary<string, object?>? properties = null)
    {
        var merged = new Dictionary<string, object?>(properties ?? new Dictionary<string, object?>(), StringComparer.Ordinal) { [ResumedSession.PropertyKey] = _session };
        var acceptor = inner.Create(transport, mode, merged);
        _acceptor = acceptor;
        _transport = transport ?? TransportSecurity.None;
        return acceptor;
    }

    /// <summary>
    /// After a successful full login over TLS (or a trusted local socket): issues the first token of a
    /// new family and returns it as base64 text, the value <c>SHOW handshake.resume_token</c> answers.
    /// Null otherwise (<see cref="Describe"/> says why).
    /// </summary>
    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "A store that fails to issue must not end a session that authenticated; the client gets no token and the log says why.")]
    public async Task<string?> IssueAsync(CancellationToken cancellationToken)
    {
        if (_acceptor?.Result is not { } result)
        {
            return null;
        }

        if (_session.Resumed)
        {
            _notIssued = "a resumed login: its rotated token came in the final data";
            return null;
        }

        if (!_transport.IsConfidential)
        {
            // A bearer token over plain TCP could be read off the wire; the client would not use it either.
            _notIssued = "no TLS: a token is issued only over TLS";
            return null;
        }

        try
        {
            using var token = await issuer.IssueAsync(result, cancellationToken).ConfigureAwait(false);
            _issued = token.FamilyId;
            return Convert.ToBase64String(token.Value.Span);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _notIssued = $"issuing failed ({ex.GetType().Name})";
            return null;
        }
    }

    /// <summary>Gets what happened to resumption on this connection, for serve's log line (never a token).</summary>
    public string Describe =>
        (_session.Outcome is { } outcome
            ? string.Create(CultureInfo.InvariantCulture, $", resume {outcome}{(_session.Record is { } r ? $" (family {r.FamilyId}, generation {r.Generation})" : string.Empty)}")
            : string.Empty)
        + (_issued is not null ? $", resume token issued (family {_issued})" : _notIssued is not null ? $", no resume token ({_notIssued})" : string.Empty);
}
