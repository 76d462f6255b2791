using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Handshake.Cli.Tests;

/// <summary>Runs commands in-process with injected environment variables, and serve on a background task.</summary>
internal static partial class CliHost
{
    /// <summary>Bounds every in-process run: a hang fails the test instead of stalling the suite.</summary>
    public static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(60);

    public static Task<CliRun> RunAsync(IReadOnlyDictionary<string, string> variables, params string[] args) =>
        RunWithStdinAsync(variables, stdin: null, args);

    /// <summary>Runs with <paramref name="stdin"/> as piped standard input (not a terminal).</summary>
    public static async Task<CliRun> RunWithStdinAsync(IReadOnlyDictionary<string, string> variables, string? stdin, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var input = stdin is null ? null : new StringReader(stdin);
        var environment = new CliEnvironment
        {
            Output = output,
            Error = error,
            Input = input ?? TextReader.Null,
            GetEnvironmentVariable = name => variables.TryGetValue(name, out var value) ? value : null,
        };
        using var limit = new CancellationTokenSource(RunLimit);
        var exitCode = await HandshakeCommand.InvokeAsync(args, environment, limit.Token).WaitAsync(RunLimit);
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Starts <c>serve</c> and waits for its "listening on 127.0.0.1:PORT" line.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "Ownership passes to the RunningServer returned (or everything is disposed in the catch).")]
    public static async Task<RunningServer> StartServeAsync(params string[] args)
    {
        var output = new LineWriter();
        var error = new LineWriter();
        var stop = new CancellationTokenSource();
        try
        {
            var environment = new CliEnvironment { Output = output, Error = error, GetEnvironmentVariable = _ => null };
            var run = Task.Run(() => HandshakeCommand.InvokeAsync(["serve", .. args], environment, stop.Token));
            var first = await Task.WhenAny(output.Listening, run).WaitAsync(RunLimit);
            if (first == run)
            {
                throw new InvalidOperationException($"serve ended before listening: exit {await run}\n{output}\n{error}");
            }

            return new RunningServer(await output.Listening, run, stop, output, error);
        }
        catch
        {
            await stop.CancelAsync();
            stop.Dispose();
            await output.DisposeAsync();
            await error.DisposeAsync();
            throw;
        }
    }

    [GeneratedRegex(@"^listening on 127\.0\.0\.1:(\d+)", RegexOptions.Multiline)]
    private static partial Regex ListeningLine();

    /// <summary>A thread-safe writer that notices serve's first line.</summary>
    internal sealed class LineWriter : TextWriter
    {
        private readonly Lock _lock = new();
        private readonly StringBuilder _text = new();
        private readonly TaskCompletionSource<int> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override Encoding Encoding => Encoding.UTF8;

        public Task<int> Listening => _listening.Task;

        public override void Write(char value)
        {
            lock (_lock)
            {
                _text.Append(value);
                if (value == '\n' && !_listening.Task.IsCompleted && ListeningLine().Match(_text.ToString()) is { Success: true } match)
                {
                    _listening.TrySetResult(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
                }
            }
        }

        public override string ToString()
        {
            lock (_lock)
            {
                return _text.ToString();
            }
        }
    }
}

/// <summary>A serve command running in-process; disposing stops it (as Ctrl+C would) and waits, bounded.</summary>
internal sealed class RunningServer(int port, Task<int> run, CancellationTokenSource stop, CliHost.LineWriter output, CliHost.LineWriter error) : IAsyncDisposable
{
    public int Port { get; } = port;

    public string Output => output.ToString();

    public string Error => error.ToString();

    /// <summary>Waits (bounded) until the log holds <paramref name="text"/>: a session logs when it ends, after the client's last byte.</summary>
    public async Task<string> WaitForOutputAsync(string text)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!Output.Contains(text, StringComparison.Ordinal) && !limit.IsCancellationRequested)
        {
            await Task.Delay(20, CancellationToken.None);
        }

        return Output;
    }

    public async Task<int> StopAsync()
    {
        await stop.CancelAsync();
        return await run.WaitAsync(CliHost.RunLimit);
    }

    public async ValueTask DisposeAsync()
    {
        if (!run.IsCompleted)
        {
            _ = await StopAsync();
        }

        stop.Dispose();
        await output.DisposeAsync();
        await error.DisposeAsync();
    }
}
