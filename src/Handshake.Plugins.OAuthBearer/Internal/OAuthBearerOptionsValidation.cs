using Microsoft.Extensions.Options;

namespace Handshake.Plugins.OAuthBearer.Internal;

/// <summary>At start-up: the OAUTHBEARER options are usable (the client and verifier options of one registration's name, through <see cref="NamedOptionsValidator{TOptions}"/>; the JWT options named <see cref="OAuthBearerPluginNames.OAuthBearer"/>).</summary>
internal sealed class OAuthBearerOptionsValidation : IValidateOptions<OAuthBearerClientOptions>, IValidateOptions<OAuthBearerVerifierOptions>, IValidateOptions<JwtBearerValidationOptions>
{
    public ValidateOptionsResult Validate(string? name, OAuthBearerClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.RefreshBeforeExpiry < TimeSpan.Zero || options.RefreshBeforeExpiry > TimeSpan.FromHours(1))
        {
            return ValidateOptionsResult.Fail("OAuthBearerClientOptions.RefreshBeforeExpiry must be between 0 and 1 hour.");
        }

        if (options.Port is < 1 or > 65535)
        {
            return ValidateOptionsResult.Fail("OAuthBearerClientOptions.Port must be 1 to 65535, or null.");
        }

        return options.Host is { } host && (host.Length == 0 || host.Any(c => c is < '!' or > '~'))
            ? ValidateOptionsResult.Fail("OAuthBearerClientOptions.Host must be a printable ASCII host name without spaces (RFC 7628 §3.1), or null.")
            : ValidateOptionsResult.Success;
    }

    public ValidateOptionsResult Validate(string? name, OAuthBearerVerifierOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            // The error response must be producible: the values go into JSON a client parses.
            _ = new OAuthBearerError(OAuthBearerMechanism.InvalidTokenStatus, options.Scope, options.OpenIdConfiguration).ToJson();
        }
        catch (ArgumentException ex)
        {
            return ValidateOptionsResult.Fail($"OAuthBearerVerifierOptions: {ex.Message}");
        }

        return ValidateOptionsResult.Success;
    }

    public ValidateOptionsResult Validate(string? name, JwtBearerValidationOptions options)
    {
        if (name != OAuthBearerPluginNames.OAuthBearer)
        {
            return ValidateOptionsResult.Skip;
        }

        return JwtBearerTokenValidator.Check(options) is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
    }
}
