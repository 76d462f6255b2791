using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Handshake.Tests;

/// <summary>Builds a container with the engine and whatever a test registers, plus a fake clock.</summary>
internal sealed class TestHost : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    public TestHost(Action<IHandshakeBuilder> register, Action<HandshakeOptions>? options = null, Action<IServiceCollection>? services = null)
    {
        var collection = new ServiceCollection();
        collection.AddSingleton<TimeProvider>(Time);
        services?.Invoke(collection);
        register(collection.AddHandshake(options));
        _provider = collection.BuildServiceProvider();
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));

    public IServiceProvider Services => _provider;

    public AuthNegotiator Negotiator(AuthCredentials credentials, TransportSecurity? transport = null) =>
        _provider.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, transport);

    public AuthAcceptor Acceptor(TransportSecurity? transport = null, AcceptorStartMode mode = AcceptorStartMode.Begin) =>
        _provider.GetRequiredService<IAuthAcceptorFactory>().Create(transport, mode);

    public ValueTask DisposeAsync() => _provider.DisposeAsync();

    public static ReadOnlyMemory<byte> Bytes(string text) => System.Text.Encoding.UTF8.GetBytes(text);

    public static string Text(ReadOnlyMemory<byte> bytes) => System.Text.Encoding.UTF8.GetString(bytes.Span);
}
