namespace Handshake.Cli;

/// <summary>Entry point of the <c>handshake</c> command.</summary>
internal static class Program
{
    public static Task<int> Main(string[] args) => HandshakeCommand.InvokeAsync(args, CliEnvironment.FromConsole());
}
