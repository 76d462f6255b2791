namespace Handshake.Plugins.MariaDbPam.Internal;

/// <summary>One server run of mysql_clear_password: nothing out, the password and a NUL in, checked through the family's checker.</summary>
internal sealed class ClearPasswordVerifierExchange(VerifierContext context, IStoredPasswordChecker checker, string credentialFamily, bool transportAllowed) : IVerifierExchange
{
    private bool _done;

    public ValueTask<ReadOnlyMemory<byte>> BeginAsync(CancellationToken cancellationToken) =>

        // Over a transport unsafe for cleartext the client is never asked: a server never invites the password in the clear.
        transportAllowed
            ? ValueTask.FromResult(ReadOnlyMemory<byte>.Empty)
            : throw new HandshakeException(AuthErrorCode.PolicyViolation, "mysql_clear_password over a transport without TLS is not allowed (ClearPasswordVerifierOptions.AllowInsecureTransport)", MariaDbPamPluginNames.ClearPassword, context.FactorIndex);

    public async ValueTask<VerifierStep> ProcessAsync(ReadOnlyMemory<byte> clientData, CancellationToken cancellationToken)
    {
        if (_done)
        {
            return VerifierStep.Reject(AuthErrorCode.ProtocolViolation, "the client sent data after the mysql_clear_password packet");
        }

        _done = true;
        if (!transportAllowed)
        {
            return VerifierStep.Reject(AuthErrorCode.PolicyViolation, "mysql_clear_password over a transport without TLS is not allowed (ClearPasswordVerifierOptions.AllowInsecureTransport)");
        }

        var stored = await context.GetStoredCredentialAsync(cancellationToken).ConfigureAwait(false)
            ?? await context.GetStoredCredentialAsync(credentialFamily, cancellationToken).ConfigureAwait(false);
        var password = DialogWire.Answer(clientData.Span);
        bool valid;
        try
        {
            // An over-long password is checked like any other (and fails): its length decides nothing early.
            valid = checker.Verify(stored, password);
        }
        catch (HandshakeException ex)
        {
            return VerifierStep.Reject(ex.Code, ex.Message);
        }

        return valid && stored is not null ? VerifierStep.Accept() : VerifierStep.Reject(AuthErrorCode.InvalidCredential, "the mysql_clear_password password did not verify");
    }

    public void Dispose()
    {
        // The password is read in place from the client's packet; nothing was copied.
    }
}
