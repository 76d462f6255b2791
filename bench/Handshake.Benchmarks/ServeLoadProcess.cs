using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Handshake.Benchmarks;

/// <summary>
/// One <c>handshake serve</c> for <see cref="ServeLoadRun"/>: <c>dotnet Handshake.Cli.dll serve ... --stats</c>,
/// its port read from "listening on", stopped with SIGTERM (serve's own shutdown, which prints the
/// stats line) and killed by its PID if it does not exit in time. Every wait is bounded.
/// </summary>
internal sealed partial class ServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<int> _port = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServerProcess(Process process) => _process = process;

    public int Port { get; private set; }

    public static async Task<ServerProcess> StartAsync(string cli, IEnumerable<string> arguments)
    {
        var process = Process.Start(Info(cli, arguments)) ?? throw new InvalidOperationException("could not start dotnet");
        var server = new ServerProcess(process);
        process.OutputDataReceived += (_, e) => server.OnOutput(e.Data);
        process.ErrorDataReceived += (_, e) => server.OnOutput(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _ = process.WaitForExitAsync().ContinueWith(_ => server._port.TrySetException(new InvalidOperationException($"serve exited before listening:\n{server.Output}")), TaskScheduler.Default);
        try
        {
            server.Port = await server._port.Task.WaitAsync(StartLimit).ConfigureAwait(false);
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return server;
    }

    /// <summary>Runs one handshake command to its end; throws with its output unless it exits 0.</summary>
    public static async Task RunAsync(string cli, string? standardInput, params string[] arguments)
    {
        using var process = Process.Start(Info(cli, arguments)) ?? throw new InvalidOperationException("could not start dotnet");
        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(standardInput).ConfigureAwait(false);
        }

        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(StartLimit);
        await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"handshake {arguments[0]} {arguments[1]} exited {process.ExitCode}:\n{await output.ConfigureAwait(false)}{await error.ConfigureAwait(false)}");
        }
    }

    /// <summary>Stops serve with SIGTERM and returns what its stats line says.</summary>
    public async Task<(long Connections, long Bytes, long Commands)> StopAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill!.WaitForExitAsync().ConfigureAwait(false);
        }

        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        var match = Stats().Match(Output);
        return match.Success
            ? (long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture), long.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture))
            : throw new InvalidOperationException("serve printed no stats line:\n" + Output);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                await _process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
            }
        }
        finally
        {
            _process.Dispose();
        }
    }

    private string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    private static ProcessStartInfo Info(string cli, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(cli);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    private void OnOutput(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            // Only the first lines and the stats are kept: one log line per login would grow without bound.
            if (_output.Length < 64 * 1024 || line.StartsWith("stats:", StringComparison.Ordinal))
            {
                _ = _output.AppendLine(line);
            }
        }

        if (Listening().Match(line) is { Success: true } match)
        {
            _ = _port.TrySetResult(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
        }
    }

    [GeneratedRegex(@"listening on 127\.0\.0\.1:(\d+)")]
    private static partial Regex Listening();

    [GeneratedRegex(@"stats: (\d+) connection\(s\); since the first: (\d+) bytes allocated, (\d+) store command\(s\)")]
    private static partial Regex Stats();
}
