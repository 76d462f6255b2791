using Handshake.Plugins.Resume.Internal;
using Microsoft.Extensions.Options;

namespace Handshake.Plugins.Resume;

/// <summary>
/// The client side of session resumption. Chosen from a server's offer only when a token is cached
/// for (server identity, user) and the transport may carry a bearer secret (the same gate as a
/// cleartext password: TLS with a verified certificate, a trusted local socket, or
/// <c>AllowCleartextWithoutVerifiedTls</c>); otherwise its preference is negative and the user's own
/// mechanism is chosen. It sends the token, and on success caches the rotated one from the server's
/// final data. If the server refuses, it switches the client to the full chain, which runs with the
/// credentials' factor secrets as usual.
/// </summary>
public sealed class ResumePlugin : IAuthPlugin
{
    private readonly Func<ResumeClientOptions> _options;
    private readonly IResumeTokenCache _cache;

    /// <summary>Creates the plugin as <see cref="ResumePluginNames.Resume"/>, with fixed settings.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="cache">The token cache.</param>
    public ResumePlugin(IOptions<ResumeClientOptions> options, IResumeTokenCache cache)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(cache);
        Name = ResumePluginNames.Resume;
        _options = () => options.Value;
        _cache = cache;
    }

    /// <summary>Creates the plugin under <paramref name="name"/>; the settings of that name are read for each offer and exchange.</summary>
    /// <param name="name">The plugin name, also the name of its options.</param>
    /// <param name="options">The settings monitor.</param>
    /// <param name="cache">The token cache.</param>
    public ResumePlugin(string name, IOptionsMonitor<ResumeClientOptions> options, IResumeTokenCache cache)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(cache);
        Name = name;
        _options = () => options.Get(name);
        _cache = cache;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    /// <remarks>The resume token travels as it is: a bearer value as good as a password while it lives.</remarks>
    public AuthSecretUse SecretUse => AuthSecretUse.Cleartext;

    /// <inheritdoc />
    public int GetOfferPreference(AuthExchangeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (ServerOf(context) is not { } server)
        {
            return -1;
        }

        using (var token = _cache.Find(server, context.UserName))
        {
            if (token is null)
            {
                return -1;
            }
        }

        try
        {
            context.EnsureCleartextAllowed("the resume token");
        }
        catch (HandshakeException)
        {
            return -1;
        }

        return _options().Preference;
    }

    /// <inheritdoc />
    public IAuthExchange Start(AuthExchangeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var server = ServerOf(context)
            ?? throw new HandshakeException(AuthErrorCode.MissingCredential, $"Resumption needs a server identity: set ResumeClientOptions.ServerIdentity or the connection property '{ResumeClientOptions.ServerIdentityProperty}'.", context.PluginName, context.FactorIndex);
        context.EnsureCleartextAllowed("the resume token");
        var token = _cache.Find(server, context.UserName)
            ?? throw new HandshakeException(AuthErrorCode.MissingCredential, $"No resume token is cached for user '{context.UserName}' at this server; log in with the full credentials.", context.PluginName, context.FactorIndex);
        return new ResumeClientExchange(_cache, server, context.UserName, token, context.PluginName, context.FactorIndex);
    }

    private string? ServerOf(AuthExchangeContext context) =>
        context.Properties.TryGetValue(ResumeClientOptions.ServerIdentityProperty, out var value) && value is string { Length: > 0 } perConnection
            ? perConnection
            : _options().ServerIdentity is { Length: > 0 } configured ? configured : null;
}
