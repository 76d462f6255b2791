namespace Handshake.Plugins.Scram.Internal;

/// <summary>
/// One SCRAM client mechanism: a hash and whether it binds to the channel (-PLUS is an option of
/// this template, not a subclass). The registered plugins are thin named wrappers around it.
/// </summary>
internal sealed class ScramClientMechanism(ScramHash hash, bool plus, ScramOptions options, ScramKeyCache? cache, IScramKeyDeriver deriver)
{
    public string Name => plus ? hash.PlusMechanismName : hash.MechanismName;

    public IAuthExchange Start(AuthExchangeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new ScramClientExchange(context, hash, plus, options, cache, deriver);
    }

    /// <summary>
    /// -PLUS is eligible only when the client can bind (TLS, a certificate with a binding hash,
    /// binding not disabled) and then outranks the plain mechanism; the plain one is not eligible under Require.
    /// </summary>
    public int GetOfferPreference(AuthExchangeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (plus)
        {
            return options.ChannelBinding != ScramChannelBinding.Disable && ScramClientExchange.ClientCanBind(context.Transport) ? hash.AdjustOfferRank(options.PlusPreference) : -1;
        }

        return options.ChannelBinding == ScramChannelBinding.Require ? -1 : hash.AdjustOfferRank(options.PlainPreference);
    }
}
