using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Handshake.Mfa.Internal;

/// <summary>One TOTP factor on the server: an optional prompt, then one code checked once.</summary>
internal sealed class TotpVerifierExchange(VerifierContext context, TotpVerifierOptions options, ITotpStateStore state) : IVerifierExchange
{
    private const string WrongCode = "wrong code";
    private bool _done;

    public async ValueTask<ReadOnlyMemory<byte>> BeginAsync(CancellationToken cancellationToken)
    {
        if (!options.SendPrompt)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        // The user may not be known yet (MySQL names the first plugin before the client names the user).
        var digits = options.DefaultParameters.Digits;
        var user = context.UserName;
        if (user is not null && await context.GetStoredCredentialAsync(cancellationToken).ConfigureAwait(false) is { } stored)
        {
            using var key = TotpKey.TryParse(stored.Value, options.DefaultParameters, out _);
            digits = key?.Parameters.Digits ?? digits;
        }

        var text = user is null
            ? string.Create(CultureInfo.InvariantCulture, $"Enter the {digits}-digit authenticator code")
            : string.Create(CultureInfo.InvariantCulture, $"Enter the {digits}-digit code for {user}");
        return Encoding.UTF8.GetBytes(text);
    }

    public async ValueTask<VerifierStep> ProcessAsync(ReadOnlyMemory<byte> clientData, CancellationToken cancellationToken)
    {
        if (_done)
        {
            return VerifierStep.Reject(AuthErrorCode.ProtocolViolation, "a second message in a single-code factor");
        }

        _done = true;
        var now = context.Time.GetUtcNow();
        var stored = await context.GetStoredCredentialAsync(cancellationToken).ConfigureAwait(false);
        if (stored is null || context.UserName is not { } user)
        {
            // Unknown user: the same work as a wrong code against a throwaway key, the same rejection.
            using var fake = CreateFakeKey();
            _ = FindMatchingStep(fake, clientData.Span, now);
            return VerifierStep.Reject(AuthErrorCode.InvalidCredential, WrongCode);
        }

        using var key = TotpKey.TryParse(stored.Value, options.DefaultParameters, out var error);
        if (key is null)
        {
            return VerifierStep.Reject(AuthErrorCode.InvalidStoredCredential, $"stored TOTP credential: {error}");
        }

        var stateKey = string.Concat(context.VerifierName, "/", user);

        // While locked even a right code fails, and does not count (RFC 4226 §7.3).
        if (await state.IsLockedOutAsync(stateKey, now, cancellationToken).ConfigureAwait(false))
        {
            return VerifierStep.Reject(AuthErrorCode.LockedOut, "too many consecutive wrong codes; locked");
        }

        if (FindMatchingStep(key, clientData.Span, now) is not { } step)
        {
            var locked = await state.RecordFailureAsync(stateKey, now, options.MaxConsecutiveFailures, options.LockoutDuration, cancellationToken).ConfigureAwait(false);
            return VerifierStep.Reject(AuthErrorCode.InvalidCredential, locked ? WrongCode + "; factor now locked" : WrongCode);
        }

        // Check-and-record in one atomic store call: of concurrent handshakes presenting the same code, one wins (RFC 6238 §5.2).
        return await state.TryAcceptStepAsync(stateKey, step, now, cancellationToken).ConfigureAwait(false) switch
        {
            TotpStepResult.Accepted => VerifierStep.Accept(),
            TotpStepResult.Replayed => VerifierStep.Reject(AuthErrorCode.ReplayDetected, "a code of an already used time step"),
            _ => VerifierStep.Reject(AuthErrorCode.LockedOut, "too many consecutive wrong codes; locked"),
        };
    }

    public void Dispose()
    {
    }

    private TotpKey CreateFakeKey()
    {
        Span<byte> bytes = stackalloc byte[TotpEnrollment.DefaultSecretLength];
        context.Random.Fill(bytes);
        var key = TotpKey.FromBytes(bytes, options.DefaultParameters);
        CryptographicOperations.ZeroMemory(bytes);
        return key;
    }

    /// <summary>Returns the step in the window whose code equals <paramref name="presented"/>, or null. Every step is compared, in constant time.</summary>
    private long? FindMatchingStep(TotpKey key, ReadOnlySpan<byte> presented, DateTimeOffset now)
    {
        var parameters = key.Parameters;

        // The length is public (the prompt says it); a wrong length is simply a wrong code, and nothing is sized by it.
        if (presented.Length != parameters.Digits)
        {
            return null;
        }

        var current = Totp.GetTimeStep(now, parameters.PeriodSeconds);
        Span<byte> expected = stackalloc byte[TotpParameters.MaxDigits];
        long? match = null;
        for (var offset = -options.AllowedSkewSteps; offset <= options.AllowedSkewSteps; offset++)
        {
            Totp.WriteCode(key.Key, current + offset, parameters, expected);
            if (Totp.CodesEqual(expected[..parameters.Digits], presented))
            {
                // Later steps win: the newest matching step is the one recorded against replay.
                match = current + offset;
            }
        }

        CryptographicOperations.ZeroMemory(expected);
        return match;
    }
}
