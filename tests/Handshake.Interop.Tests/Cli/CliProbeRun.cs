using Handshake.Cli;

namespace Handshake.Interop.Tests.Cli;

/// <summary>Runs <c>handshake probe</c> in-process with HANDSHAKE_PASSWORD injected (not set in this process), bounded.</summary>
internal static class CliProbeRun
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string password, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var environment = new CliEnvironment
        {
            Output = output,
            Error = error,
            GetEnvironmentVariable = name => name == "HANDSHAKE_PASSWORD" ? password : null,
        };
        using var limit = new CancellationTokenSource(Limit);
        var exitCode = await HandshakeCommand.InvokeAsync(["probe", .. args, "--timeout", "30"], environment, limit.Token).WaitAsync(Limit);
        return (exitCode, output.ToString(), error.ToString());
    }
}
