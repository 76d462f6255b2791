namespace Handshake.Plugins.OAuthBearer.Tests;

/// <summary>A validator at the seam: records what it was asked and answers as told.</summary>
internal sealed class RecordingValidator(OAuthBearerValidationResult answer) : IOAuthBearerTokenValidator
{
    public List<OAuthBearerValidationRequest> Requests { get; } = [];

    public ValueTask<OAuthBearerValidationResult> ValidateAsync(OAuthBearerValidationRequest request, CancellationToken cancellationToken)
    {
        Requests.Add(request);
        return ValueTask.FromResult(answer);
    }
}
