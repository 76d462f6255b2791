using System.CommandLine;
using Handshake.Cli.Demo;

namespace Handshake.Cli;

/// <summary>Builds the command tree; tests invoke it in-process with their own writers.</summary>
internal static class HandshakeCommand
{
    public static async Task<int> InvokeAsync(string[] args, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("Handshake: the authentication phase of a connection, as a library and a tool.");
        root.Subcommands.Add(DemoCommand.Create(output));
        var configuration = new InvocationConfiguration { Output = output, Error = error };
        return await root.Parse(args).InvokeAsync(configuration).ConfigureAwait(false);
    }
}
