using System.Collections.Concurrent;
using System.Text;

namespace Handshake.Testing;

/// <summary>
/// Records a handshake as it crosses a transport, redacting as it goes (no raw bytes are kept).
/// Wrap the client's end or the server's end, not both.
/// </summary>
public sealed class TranscriptRecorder
{
    private readonly ConcurrentQueue<TranscriptEntry> _entries = new();
    private readonly ITranscriptRedactor _redactor;
    private string? _plugin;

    /// <summary>Creates a recorder.</summary>
    /// <param name="redactor">How payloads are rendered; when null, a <see cref="DefaultTranscriptRedactor"/> without a catalogue (every payload by its length).</param>
    public TranscriptRecorder(ITranscriptRedactor? redactor = null) => _redactor = redactor ?? new DefaultTranscriptRedactor();

    /// <summary>Gets the entries so far, in order.</summary>
    public IReadOnlyList<TranscriptEntry> Entries => [.. _entries];

    /// <summary>Wraps the client's end of a connection.</summary>
    /// <param name="inner">The transport.</param>
    /// <returns>A transport that records what passes.</returns>
    public IAuthTransport Record(IAuthTransport inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        return new RecordingClient(this, inner);
    }

    /// <summary>Wraps the server's end of a connection.</summary>
    /// <param name="inner">The transport.</param>
    /// <returns>A transport that records what passes.</returns>
    public IAcceptorTransport Record(IAcceptorTransport inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        return new RecordingServer(this, inner);
    }

    /// <summary>Renders the transcript, one line a step.</summary>
    /// <returns>The transcript.</returns>
    public override string ToString()
    {
        var builder = new StringBuilder();
        foreach (var entry in _entries)
        {
            builder.AppendLine(entry.ToString());
        }

        return builder.ToString();
    }

    private void Add(AuthEvent e)
    {
        // NextFactor carries the previous factor's final data: its plugin is the one before this event.
        var previous = _plugin;
        if (e.PluginName is not null)
        {
            _plugin = e.PluginName;
        }

        var rendered = e.Kind switch
        {
            AuthEventKind.Offer => string.Join(", ", e.Mechanisms ?? []),
            AuthEventKind.Failed => $"{e.ErrorCode}: {e.Message}",
            _ => _redactor.Render(TranscriptDirection.ServerToClient, _plugin, e.Data.Span),
        };
        if (e.Kind == AuthEventKind.NextFactor && !e.AcceptedData.IsEmpty)
        {
            rendered = $"{rendered} (previous factor's final data: {_redactor.Render(TranscriptDirection.ServerToClient, previous, e.AcceptedData.Span)})";
        }

        _entries.Enqueue(new TranscriptEntry(TranscriptDirection.ServerToClient, e.Kind.ToString(), e.PluginName, e.Data.Length, rendered));
    }

    private void Add(AuthClientMessage m)
    {
        if (m.PluginName is not null)
        {
            _plugin = m.PluginName;
        }

        var step = m.UserName is null ? "Response" : $"Response (user {m.UserName})";
        _entries.Enqueue(new TranscriptEntry(TranscriptDirection.ClientToServer, step, m.PluginName, m.Data.Length, _redactor.Render(TranscriptDirection.ClientToServer, _plugin, m.Data.Span)));
    }

    private sealed class RecordingClient(TranscriptRecorder owner, IAuthTransport inner) : IAuthTransport
    {
        public TransportSecurity Security => inner.Security;

        public async ValueTask<AuthEvent> ReceiveAsync(CancellationToken cancellationToken)
        {
            var e = await inner.ReceiveAsync(cancellationToken).ConfigureAwait(false);
            owner.Add(e);
            return e;
        }

        public ValueTask SendAsync(AuthClientMessage message, CancellationToken cancellationToken)
        {
            owner.Add(message);
            return inner.SendAsync(message, cancellationToken);
        }
    }

    private sealed class RecordingServer(TranscriptRecorder owner, IAcceptorTransport inner) : IAcceptorTransport
    {
        public TransportSecurity Security => inner.Security;

        public async ValueTask<AuthClientMessage> ReceiveAsync(CancellationToken cancellationToken)
        {
            var m = await inner.ReceiveAsync(cancellationToken).ConfigureAwait(false);
            owner.Add(m);
            return m;
        }

        public ValueTask SendAsync(AuthEvent authEvent, CancellationToken cancellationToken)
        {
            owner.Add(authEvent);
            return inner.SendAsync(authEvent, cancellationToken);
        }
    }
}
