namespace Handshake.Internal;

/// <summary>Records in the service collection that a name was registered for a kind of service, so a second call with that name adds nothing twice.</summary>
internal sealed record NamedRegistrationMarker(Type Kind, string Name);
