using Handshake.Plugins.NativePassword;
using Handshake.Plugins.Scram;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Benchmarks;

/// <summary>Containers wired as an application would wire them: client plugins, verifiers, an acceptor and one user.</summary>
internal static class HandshakeHost
{
    public const string ScramMechanism = "SCRAM-SHA-256";

    /// <summary>A SCRAM client and server in one container; the client's nonce is pinned when <paramref name="random"/> is given.</summary>
    public static ServiceProvider Scram(bool warmCache, IRandomSource? random = null, int? maxConcurrentKeyDerivations = null)
    {
        var services = new ServiceCollection();
        _ = services.AddHandshake()
            .ConfigureKeyDerivation(o => o.MaxConcurrency = maxConcurrentKeyDerivations ?? o.MaxConcurrency)
            .AddScram(o => o.UseDerivedKeyCache = warmCache)
            .AddScramVerifier()
            .AddAcceptor(o => o.DefaultPlugin = ScramMechanism)
            .AddInMemoryCredentialStore(s => s.AddUser(Rfc7677.User, new AuthFactorPolicy(ScramMechanism, Rfc7677.Credential.ToStoredCredential())));
        if (random is not null)
        {
            _ = services.AddSingleton(random);
        }

        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    /// <summary>A mysql_native_password client and server in one container.</summary>
    public static ServiceProvider Native()
    {
        var services = new ServiceCollection();
        _ = services.AddHandshake()
            .AddNativePassword()
            .AddNativePasswordVerifier()
            .AddAcceptor(o => o.DefaultPlugin = NativePasswordPluginNames.MySqlNativePassword)
            .AddInMemoryCredentialStore(s => s.AddUser(Rfc7677.User, new AuthFactorPolicy(NativePasswordPluginNames.MySqlNativePassword, NativePasswordCredential.FromPassword(Rfc7677.Password).ToStoredCredential())));
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    /// <summary>
    /// One whole handshake, negotiator and acceptor driven alternately on one thread through their sans-I/O
    /// HandleAsync: the same work as the in-memory handshake without a transport or a thread hand-off.
    /// </summary>
    public static async Task RunSansIoPairAsync(IServiceProvider services, AuthCredentials credentials)
    {
        using var negotiator = services.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, TransportSecurity.None);
        using var acceptor = services.GetRequiredService<IAuthAcceptorFactory>().Create(TransportSecurity.None, AcceptorStartMode.Begin);
        var serverEvent = await acceptor.StartAsync().ConfigureAwait(false);
        var first = true;
        while (true)
        {
            var action = await negotiator.HandleAsync(serverEvent).ConfigureAwait(false);
            if (action.Kind == AuthActionKind.Completed)
            {
                if (acceptor.Result is null)
                {
                    throw new InvalidOperationException($"The client completed but the acceptor did not: {acceptor.FailureReason}.");
                }

                return;
            }

            if (action.Kind != AuthActionKind.Send)
            {
                throw new InvalidOperationException($"Unexpected client action {action.Kind}.");
            }

            serverEvent = await acceptor.HandleAsync(new AuthClientMessage(action.PluginName, action.Data, first ? credentials.UserName : null)).ConfigureAwait(false);
            first = false;
        }
    }

    /// <summary>One whole handshake over the in-memory transport against our acceptor; throws unless both sides succeed.</summary>
    public static async Task RunInMemoryAsync(IServiceProvider services, AuthCredentials credentials)
    {
        using var negotiator = services.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, TransportSecurity.None);
        using var acceptor = services.GetRequiredService<IAuthAcceptorFactory>().Create(TransportSecurity.None, AcceptorStartMode.Begin);
        using var connection = InMemoryAuthConnection.Create(TransportSecurity.None, TransportSecurity.None);
        var result = await InMemoryHandshake.RunAsync(negotiator, acceptor, connection).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"The in-memory handshake failed: client {result.ClientError?.Code}, server {result.ServerFailureReason}.");
        }
    }
}
