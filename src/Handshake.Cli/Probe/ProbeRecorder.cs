using System.Collections.Concurrent;
using Handshake.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Cli.Probe;

/// <summary>
/// Records what the client plugins see and send, redacted as they go: the adapters drive the
/// negotiator directly (no <see cref="IAuthTransport"/> to wrap), so every registered
/// <see cref="IAuthPlugin"/> is decorated instead. No raw bytes are kept; each payload is rendered by
/// its plugin's own redactor (from the client's catalogue), or by its length.
/// </summary>
internal sealed class ProbeRecorder
{
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ConcurrentQueue<ProbeStart> _starts = new();
    private volatile ProbeOffer? _offer;
    private volatile DefaultTranscriptRedactor _redactor = new();

    /// <summary>Gets the transcript lines so far.</summary>
    public IReadOnlyList<string> Lines => [.. _lines];

    /// <summary>Gets every exchange a plugin started, in order.</summary>
    public IReadOnlyList<ProbeStart> Starts => [.. _starts];

    /// <summary>
    /// Gets the last list of mechanisms the server offered and the transport it was offered over, seen
    /// while the engine ranked them: set even when no plugin started (no mutual mechanism).
    /// </summary>
    public ProbeOffer? Offer => _offer;

    /// <summary>Replaces every <see cref="IAuthPlugin"/> registration with one that records.</summary>
    /// <param name="services">The client's services, after all plugins were added.</param>
    public void Decorate(IServiceCollection services)
    {
        for (var i = 0; i < services.Count; i++)
        {
            var descriptor = services[i];
            if (descriptor.ServiceType != typeof(IAuthPlugin) || descriptor.IsKeyedService)
            {
                continue;
            }

            services[i] = ServiceDescriptor.Singleton<IAuthPlugin>(sp =>
            {
                _redactor = new DefaultTranscriptRedactor(sp.GetRequiredService<IHandshakeCatalog>());
                return new RecordingPlugin(this, Create(sp, descriptor));
            });
        }
    }

    private static IAuthPlugin Create(IServiceProvider services, ServiceDescriptor descriptor) =>
        descriptor.ImplementationInstance as IAuthPlugin
        ?? (descriptor.ImplementationFactory is { } factory
            ? (IAuthPlugin)factory(services)
            : (IAuthPlugin)ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));

    private void Add(TranscriptDirection direction, string step, string plugin, ReadOnlySpan<byte> data) =>
        _lines.Enqueue($"{(direction == TranscriptDirection.ServerToClient ? "S -> C" : "C -> S")}  {step} [{plugin}]  {_redactor.Render(direction, plugin, data)}");

    private sealed class RecordingPlugin(ProbeRecorder owner, IAuthPlugin inner) : IAuthPlugin
    {
        public string Name => inner.Name;

        public int GetOfferPreference(AuthExchangeContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            if (context.OfferedMechanisms.Count > 0)
            {
                owner._offer = new ProbeOffer(context.OfferedMechanisms, context.Transport);
            }

            return inner.GetOfferPreference(context);
        }

        public AuthSecretUse SecretUse => inner.SecretUse;

        public IAuthExchange Start(AuthExchangeContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            owner._starts.Enqueue(new ProbeStart(context.FactorIndex, context.PluginName, context.OfferedMechanisms, context.Transport));
            owner._lines.Enqueue($"--  factor {context.FactorIndex}: {context.PluginName} starts");
            return new RecordingExchange(owner, context.PluginName, inner.Start(context));
        }
    }

    private sealed class RecordingExchange(ProbeRecorder owner, string plugin, IAuthExchange inner) : IAuthExchange
    {
        public async ValueTask<AuthReply> RespondAsync(ReadOnlyMemory<byte> serverData, CancellationToken cancellationToken)
        {
            owner.Add(TranscriptDirection.ServerToClient, "Data", plugin, serverData.Span);
            var reply = await inner.RespondAsync(serverData, cancellationToken).ConfigureAwait(false);
            if (reply.HasData)
            {
                owner.Add(TranscriptDirection.ClientToServer, "Response", plugin, reply.Data.Span);
            }
            else
            {
                owner._lines.Enqueue($"C -> S  (nothing sent) [{plugin}]");
            }

            return reply;
        }

        public void OnServerAccepted(ReadOnlyMemory<byte> finalData)
        {
            owner.Add(TranscriptDirection.ServerToClient, "Accepted", plugin, finalData.Span);
            inner.OnServerAccepted(finalData);
        }

        public void Dispose() => inner.Dispose();
    }
}
