namespace Handshake.Internal;

internal static class EventCopy
{
    /// <summary>Copies an event's buffers, so the receiver never sees bytes the sender reuses.</summary>
    public static AuthEvent Of(AuthEvent e) => e.Kind switch
    {
        AuthEventKind.Begin => AuthEvent.Begin(e.PluginName!, e.Data.ToArray()),
        AuthEventKind.Switch => AuthEvent.Switch(e.PluginName!, e.Data.ToArray()),
        AuthEventKind.Continue => AuthEvent.Continue(e.Data.ToArray()),
        AuthEventKind.NextFactor => AuthEvent.NextFactor(e.PluginName!, e.Data.ToArray(), e.FactorIndex, e.AcceptedData.ToArray()),
        AuthEventKind.Succeeded => AuthEvent.Succeeded(e.Data.ToArray()),
        AuthEventKind.Offer => AuthEvent.Offer([.. e.Mechanisms ?? []]),
        _ => e,
    };
}
