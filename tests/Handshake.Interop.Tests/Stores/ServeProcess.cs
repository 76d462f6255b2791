using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Handshake.Interop.Tests.Infrastructure;

namespace Handshake.Interop.Tests.Stores;

/// <summary>
/// One <c>handshake serve</c> (or any handshake command) as a process of its own: started with
/// <c>dotnet Handshake.Cli.dll</c> from the CLI project's build output, stopped by its own PID
/// (Kill on dispose), every wait bounded.
/// </summary>
internal sealed partial class ServeProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();
    private readonly TaskCompletionSource<int> _port = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServeProcess(Process process)
    {
        _process = process;
    }

    public int Port { get; private set; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public string Error
    {
        get
        {
            lock (_error)
            {
                return _error.ToString();
            }
        }
    }

    /// <summary>Gets the CLI's entry assembly, built next to this test project's output (same configuration).</summary>
    public static string CliAssembly
    {
        get
        {
            var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
            var path = Path.Combine(InteropEnvironment.RepositoryRoot, "src", "Handshake.Cli", "bin", configuration, "net10.0", "Handshake.Cli.dll");
            return File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing: build src/Handshake.Cli (the test project references it).");
        }
    }

    public static async Task<ServeProcess> StartAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(CliAssembly);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        var serve = new ServeProcess(process);
        process.OutputDataReceived += (_, e) => serve.OnOutput(e.Data);
        process.ErrorDataReceived += (_, e) => serve.OnError(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _ = process.WaitForExitAsync().ContinueWith(_ => serve._port.TrySetException(new InvalidOperationException($"serve exited ({process.ExitCode}) before listening:\n{serve.Output}\n{serve.Error}")), TaskScheduler.Default);
        try
        {
            serve.Port = await serve._port.Task.WaitAsync(StartLimit);
        }
        catch
        {
            await serve.DisposeAsync();
            throw;
        }

        return serve;
    }

    /// <summary>Waits (at most 10 s) until the server has logged a line that <paramref name="line"/> matches; its log arrives through a pipe, after the client's answer.</summary>
    public async Task<string> WaitForOutputAsync(Func<string, bool> line)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!Output.Split('\n').Any(line) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        return Output;
    }

    /// <summary>Runs one handshake command to its end (store init, user add), with standard input given.</summary>
    public static Task<ProcessOutcome> RunAsync(string? standardInput, params string[] arguments) =>
        ExternalProcess.RunAsync("dotnet", [CliAssembly, .. arguments], standardInput: standardInput);

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await _process.WaitForExitAsync(limit.Token);
        }
        finally
        {
            _process.Dispose();
        }
    }

    private void OnOutput(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _ = _output.AppendLine(line);
        }

        if (Listening().Match(line) is { Success: true } match)
        {
            _ = _port.TrySetResult(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
        }
    }

    private void OnError(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_error)
        {
            _ = _error.AppendLine(line);
        }
    }

    [GeneratedRegex(@"listening on 127\.0\.0\.1:(\d+)")]
    private static partial Regex Listening();
}
