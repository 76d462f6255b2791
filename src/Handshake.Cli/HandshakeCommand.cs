using System.CommandLine;
using Handshake.Cli.Audit;
using Handshake.Cli.Demo;
using Handshake.Cli.Probe;
using Handshake.Cli.Serve;
using Handshake.Cli.Verifier;

namespace Handshake.Cli;

/// <summary>Builds the command tree; tests invoke it in-process with their own writers and input.</summary>
internal static class HandshakeCommand
{
    /// <summary>
    /// The subcommands: each gets the <see cref="CliContext"/> and so shares the error policy and
    /// <see cref="ExitCodes"/>.
    /// </summary>
    private static readonly Func<CliContext, Command>[] Subcommands =
    [
        DemoCommand.Create,
        VerifierCommand.Create,
        ProbeCommand.Create,
        ServeCommand.Create,
        AuditCommand.Create,
        Store.StoreCommand.Create,
        Store.UserCommand.Create,
    ];

    public static Task<int> InvokeAsync(string[] args, TextWriter output, TextWriter error) =>
        InvokeAsync(args, new CliEnvironment { Output = output, Error = error });

    public static async Task<int> InvokeAsync(string[] args, CliEnvironment environment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Show stack traces with errors.", Recursive = true };
        var context = new CliContext(environment, verbose);
        var root = new RootCommand("Handshake: the authentication phase of a connection, as a library and a tool.") { verbose };
        foreach (var create in Subcommands)
        {
            root.Subcommands.Add(create(context));
        }

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // System.CommandLine would exit 1; usage mistakes are documented as 2.
            foreach (var parseError in parse.Errors)
            {
                await environment.Error.WriteLineAsync($"error: {parseError.Message}").ConfigureAwait(false);
            }

            await environment.Error.WriteLineAsync("Run 'handshake --help' for usage.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        var configuration = new InvocationConfiguration { Output = environment.Output, Error = environment.Error };
        return await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }
}
