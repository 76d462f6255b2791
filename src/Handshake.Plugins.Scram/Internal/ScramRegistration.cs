namespace Handshake.Plugins.Scram.Internal;

/// <summary>
/// Marks one registered SCRAM family and role in the container, so registering a family twice adds
/// its plugins (or verifier) once (the factory-made instances cannot be deduplicated by type).
/// </summary>
internal sealed record ScramRegistration(string Family, bool Server);
