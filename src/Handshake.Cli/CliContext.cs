using System.CommandLine;

namespace Handshake.Cli;

/// <summary>
/// What every subcommand is built with: the environment, the global <c>--verbose</c> option and the one
/// error policy (one line on standard error, a documented exit code, a stack trace only with --verbose).
/// </summary>
internal sealed class CliContext(CliEnvironment environment, Option<bool> verbose)
{
    public CliEnvironment Environment { get; } = environment;

    public Option<bool> Verbose { get; } = verbose;

    /// <summary>Sets <paramref name="command"/>'s action, wrapped in the error policy.</summary>
    public void SetAction(Command command, Func<ParseResult, CancellationToken, Task<int>> action)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(action);
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                return await action(parse, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                return await ReportAsync(ex, parse.GetValue(Verbose)).ConfigureAwait(false);
            }
        });
    }

    /// <summary>Prints <paramref name="exception"/> as one line and returns its exit code.</summary>
    public async Task<int> ReportAsync(Exception exception, bool verbose)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var (code, message) = exception switch
        {
            CliUsageException usage => (ExitCodes.Usage, usage.Message),
            HandshakeException auth => (ExitCodes.For(auth.Code), $"{auth.Code}: {auth.Message}"),
            IOException or System.Net.Sockets.SocketException => (ExitCodes.CannotConnect, exception.Message),
            _ => (ExitCodes.Failure, $"unexpected {exception.GetType().Name}: {exception.Message}"),
        };
        await Environment.Error.WriteLineAsync($"error: {OneLine(message)}").ConfigureAwait(false);
        if (verbose)
        {
            await Environment.Error.WriteLineAsync(exception.ToString()).ConfigureAwait(false);
        }

        return code;
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
