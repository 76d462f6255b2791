namespace Handshake.Cli.Tests;

/// <summary>Runs the <c>handshake</c> command in-process with captured writers and injected standard input.</summary>
internal static class CliRunner
{
    public static async Task<CliRun> RunAsync(string? stdin, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var input = stdin is null ? null : new StringReader(stdin);
        var environment = new CliEnvironment { Output = output, Error = error, Input = input ?? TextReader.Null };
        var exitCode = await HandshakeCommand.InvokeAsync(args, environment);
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }
}

/// <summary>What a run printed and returned.</summary>
internal sealed record CliRun(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}
