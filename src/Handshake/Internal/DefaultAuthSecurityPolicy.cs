using Microsoft.Extensions.Options;

namespace Handshake.Internal;

/// <summary>The one cleartext gate: a secret travels in the clear only over TLS with a verified certificate or a trusted local socket, unless configured otherwise.</summary>
internal sealed class DefaultAuthSecurityPolicy(IOptions<HandshakeOptions> options) : IAuthSecurityPolicy
{
    public void EnsureCleartextAllowed(AuthExchangeContext context, string what)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Transport.IsSafeForCleartext || options.Value.AllowCleartextWithoutVerifiedTls)
        {
            return;
        }

        // MySqlConnector GHSA-473q-m89c-ghf8: a cleartext password must never leave before the
        // server's certificate has been verified, or a man in the middle simply asks for it.
        throw new HandshakeException(
            AuthErrorCode.PolicyViolation,
            $"Plugin '{context.PluginName}' wants to send {what}, but the transport is a {context.Transport}. Use TLS with certificate verification, or set HandshakeOptions.AllowCleartextWithoutVerifiedTls if you accept the risk.",
            context.PluginName,
            context.FactorIndex);
    }
}
