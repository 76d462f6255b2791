using Microsoft.Extensions.DependencyInjection;
using static Handshake.Plugins.MariaDbPam.Tests.TestSupport;

namespace Handshake.Plugins.MariaDbPam.Tests;

/// <summary>mysql_clear_password's client: the password NUL-terminated (libmariadb: strlen + 1), only through the cleartext gate.</summary>
public sealed class ClearPasswordTests
{
    [Fact]
    public async Task Begin_VerifiedTls_SendsThePasswordNulTerminatedIgnoringTheServersData()
    {
        await using var provider = Build(allowCleartext: false);
        using var credentials = AuthCredentials.FromPasswords("alice", Password);
        using var negotiator = provider.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, Tls);

        var action = await negotiator.HandleAsync(AuthEvent.Begin(MariaDbPamPluginNames.ClearPassword, Question(4, "Password: ")));

        Assert.Equal([.. System.Text.Encoding.UTF8.GetBytes(Password), 0], action.Data.ToArray());
    }

    [Theory]
    [MemberData(nameof(UnsafeTransports))]
    public async Task Begin_UnsafeTransport_RefusedWithPolicyViolation(string label, TransportSecurity transport)
    {
        _ = label;
        await using var provider = Build(allowCleartext: false);
        using var credentials = AuthCredentials.FromPasswords("alice", Password);
        using var negotiator = provider.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, transport);

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => negotiator.HandleAsync(AuthEvent.Begin(MariaDbPamPluginNames.ClearPassword)).AsTask());

        Assert.Equal(AuthErrorCode.PolicyViolation, ex.Code);
        Assert.DoesNotContain(Password, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Begin_PlainTransportWithExplicitOptIn_Sends()
    {
        await using var provider = Build(allowCleartext: true);
        using var credentials = AuthCredentials.FromPasswords("alice", "pw");
        using var negotiator = provider.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, TransportSecurity.None);

        var action = await negotiator.HandleAsync(AuthEvent.Begin(MariaDbPamPluginNames.ClearPassword));

        Assert.Equal("pw\0"u8.ToArray(), action.Data.ToArray());
    }

    [Fact]
    public async Task Continue_AfterThePassword_ThrowsProtocolViolation()
    {
        await using var provider = Build(allowCleartext: false);
        using var credentials = AuthCredentials.FromPasswords("alice", "pw");
        using var negotiator = provider.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, Tls);
        _ = await negotiator.HandleAsync(AuthEvent.Begin(MariaDbPamPluginNames.ClearPassword));

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => negotiator.HandleAsync(AuthEvent.Continue(Question(4, "Verification code: "))).AsTask());

        Assert.Equal(AuthErrorCode.ProtocolViolation, ex.Code);
    }

    public static TheoryData<string, TransportSecurity> UnsafeTransports() => new()
    {
        { "plain", TransportSecurity.None },
        { "tls-unverified", new TransportSecurity { IsEncrypted = true, IsCertificateVerified = false } },
    };

    private static ServiceProvider Build(bool allowCleartext)
    {
        var services = new ServiceCollection();
        services.AddHandshake(o => o.AllowCleartextWithoutVerifiedTls = allowCleartext).AddClearPassword();
        return services.BuildServiceProvider();
    }
}
