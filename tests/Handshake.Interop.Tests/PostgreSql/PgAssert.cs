using Handshake.Protocols.PostgreSql;

namespace Handshake.Interop.Tests.PostgreSql;

/// <summary>Assertions about our acceptor's session results.</summary>
internal static class PgAssert
{
    /// <summary>
    /// The SASL mechanism the client really ran. On the acceptor side the factor's PluginName is the
    /// verifier ("SCRAM-SHA-256", which serves both mechanisms); the mechanism chosen from the offer is
    /// what PluginsTried records.
    /// </summary>
    public static void Mechanism(string expected, PostgreSqlAcceptorResult session)
    {
        Assert.True(session.Authentication is not null, $"not authenticated: {session.FailureReason}: {session.FailureDetail}");
        var factor = Assert.Single(session.Authentication.Factors);
        Assert.Equal("SCRAM-SHA-256", factor.PluginName);
        Assert.Equal([expected], factor.PluginsTried);
    }
}
