using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Handshake.Tests;

/// <summary>
/// A careless plugin names the password in its own exception. The engine's HandshakeException keeps
/// the cause's type and stack but not its message, so no logger that prints inner exceptions, no
/// ToString() and no InnerException message shows it.
/// </summary>
public sealed class PluginExceptionRedactionTests
{
    private const string Password = "tr0ub4dor&3-in-a-message";

    public static TheoryData<string> Failures => ["start", "sync-round", "async-round", "accepted"];

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task HandleAsync_PluginExceptionNamingThePassword_NoOutputShowsIt(string where)
    {
        using var sink = new CapturingLoggerProvider();
        await using var host = new TestHost(
            b => b.AddPlugin(new CarelessPlugin(where)),
            services: s => s.AddLogging(l => l.SetMinimumLevel(LogLevel.Trace).AddProvider(sink)));
        using var credentials = AuthCredentials.FromPasswords("alice", Password);
        using var negotiator = host.Negotiator(credentials);

        var ex = await Assert.ThrowsAsync<HandshakeException>(async () =>
        {
            await negotiator.HandleAsync(AuthEvent.Begin(CarelessPlugin.PluginName));
            await negotiator.HandleAsync(AuthEvent.Succeeded());
        });

        Assert.Equal(AuthErrorCode.PluginFailure, ex.Code);
        var cause = Assert.IsType<RedactedException>(ex.InnerException);
        Assert.Equal(typeof(InvalidOperationException).FullName, cause.OriginalTypeName);
        Assert.Contains(nameof(CarelessPlugin), cause.StackTrace, StringComparison.Ordinal);
        var nested = Assert.IsType<RedactedException>(cause.InnerException);
        Assert.Equal(typeof(FormatException).FullName, nested.OriginalTypeName);

        Assert.NotEmpty(sink.Lines);
        foreach (var text in Everything(ex).Concat(sink.Lines))
        {
            Assert.DoesNotContain(Password, text, StringComparison.Ordinal);
            Assert.DoesNotContain("tr0ub4dor", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void From_ChainOfExceptions_KeepsTypesAndDropsEveryMessageAndData()
    {
        Exception thrown;
        try
        {
            throw new ArgumentException("outer " + Password, new InvalidDataException("inner " + Password)) { Data = { ["pw"] = Password } };
        }
        catch (ArgumentException caught)
        {
            thrown = caught;
        }

        var redacted = RedactedException.From(thrown);

        Assert.Equal(typeof(ArgumentException).FullName, redacted.OriginalTypeName);
        Assert.Equal(thrown.StackTrace, redacted.StackTrace);
        Assert.Equal(thrown.HResult, redacted.HResult);
        Assert.Empty(redacted.Data);
        Assert.Same(redacted, RedactedException.From(redacted));
        foreach (var text in Everything(redacted))
        {
            Assert.DoesNotContain(Password, text, StringComparison.Ordinal);
        }

        Assert.Contains(typeof(InvalidDataException).FullName!, redacted.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Every text a careless logger or error page could print: each message and ToString() down the chain, and the Data values.</summary>
    private static IEnumerable<string> Everything(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            yield return e.Message;
            yield return e.ToString();
            yield return e.StackTrace ?? string.Empty;
            foreach (System.Collections.DictionaryEntry entry in e.Data)
            {
                yield return $"{entry.Key}={entry.Value}";
            }
        }
    }

    private sealed class CarelessPlugin(string where) : IAuthPlugin
    {
        public const string PluginName = "careless";

        public string Name => PluginName;

        public AuthSecretUse SecretUse => AuthSecretUse.Derived;

        public IAuthExchange Start(AuthExchangeContext context)
        {
            var password = System.Text.Encoding.UTF8.GetString(context.RequireSecret().Bytes);
            return where == "start" ? throw Careless(password) : new Exchange(where, password);
        }

        private static InvalidOperationException Careless(string password) =>
            new($"login for password '{password}' failed", new FormatException($"could not parse '{password}'"));

        private sealed class Exchange(string where, string password) : IAuthExchange
        {
            public async ValueTask<AuthReply> RespondAsync(ReadOnlyMemory<byte> serverData, CancellationToken cancellationToken)
            {
                switch (where)
                {
                    case "sync-round":
                        throw Careless(password);
                    case "async-round":
                        await Task.Yield();
                        throw Careless(password);
                    default:
                        return AuthReply.Send(new byte[] { 1 });
                }
            }

            public void OnServerAccepted(ReadOnlyMemory<byte> finalData) => throw Careless(password);

            public void Dispose()
            {
            }
        }
    }

    /// <summary>
    /// A logger provider that prints what the most careless sink prints: the formatted line, every
    /// state value, and the whole exception chain's messages and ToString().
    /// </summary>
    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingLoggerProvider owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                owner.Lines.Enqueue(formatter(state, exception));
                if (state is IEnumerable<KeyValuePair<string, object?>> values)
                {
                    foreach (var (key, value) in values)
                    {
                        owner.Lines.Enqueue($"{key}={value}");
                    }
                }

                for (var e = exception; e is not null; e = e.InnerException)
                {
                    owner.Lines.Enqueue(e.Message);
                    owner.Lines.Enqueue(e.ToString());
                }
            }
        }
    }
}
