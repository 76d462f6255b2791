namespace Handshake.Plugins.OAuthBearer.Internal;

/// <summary>What a client's initial response said; <see cref="Token"/> is a range into the message (RFC 7628 §3.1).</summary>
internal readonly record struct ParsedMessage(string AuthorizationIdentity, string? Host, string? Port, Range Token);
