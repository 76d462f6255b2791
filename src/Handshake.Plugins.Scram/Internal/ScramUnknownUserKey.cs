namespace Handshake.Plugins.Scram.Internal;

/// <summary>
/// The key unknown users' fake salts derive from, shared by every SCRAM family's verifier: configured
/// (shared by a fleet, stable across restarts) or, for a single process, generated once. Never sent.
/// </summary>
internal sealed class ScramUnknownUserKey(Microsoft.Extensions.Options.IOptions<ServerSecretOptions> secrets, IServerSecretProvider? secretProvider = null)
{
    public byte[] Value { get; } = ServerSecrets.LoadUnknownUserKey(secrets.Value, secretProvider);
}
