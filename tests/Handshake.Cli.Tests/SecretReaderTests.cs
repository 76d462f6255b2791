namespace Handshake.Cli.Tests;

public sealed class SecretReaderTests
{
    [Fact]
    public async Task Verifier_Terminal_ReadsKeysWithoutEchoHonoursBackspace()
    {
        var keys = new Queue<ConsoleKeyInfo>("secreX".Select(c => new ConsoleKeyInfo(c, ConsoleKey.A, false, false, false)));
        keys.Enqueue(new ConsoleKeyInfo('\b', ConsoleKey.Backspace, false, false, false));
        keys.Enqueue(new ConsoleKeyInfo('t', ConsoleKey.T, false, false, false));
        keys.Enqueue(new ConsoleKeyInfo('\r', ConsoleKey.Enter, false, false, false));
        using var output = new StringWriter();
        using var error = new StringWriter();
        var environment = new CliEnvironment { Output = output, Error = error, InputIsTerminal = true, ReadKey = keys.Dequeue };

        var code = await HandshakeCommand.InvokeAsync(["verifier", "native"], environment);

        Assert.Equal(0, code);
        Assert.Equal("*14E65567ABDB5135D0CFD9A70B3032C179A49EE7", output.ToString().Trim());
        Assert.Contains("not echoed", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("secre", error.ToString(), StringComparison.Ordinal);
    }
}
