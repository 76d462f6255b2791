using System.Text;

namespace Handshake.Cli.Internal;

/// <summary>
/// Reads a secret as ONE line from standard input: the line break is not part of it. A terminal gets a
/// prompt on standard error and no echo (keys are intercepted); a pipe is read up to its first line break.
/// Secrets never come from the command line, where other users can read them in the process list.
/// </summary>
internal static class SecretReader
{
    public static string ReadLine(CliEnvironment environment, string prompt)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return environment.InputIsTerminal && environment.ReadKey is not null
            ? ReadFromTerminal(environment, prompt)
            : ReadFromPipe(environment.Input);
    }

    private static string ReadFromTerminal(CliEnvironment environment, string prompt)
    {
        environment.Error.Write(prompt);
        var builder = new StringBuilder();
        while (true)
        {
            var key = environment.ReadKey!();
            if (key.Key == ConsoleKey.Enter)
            {
                break;
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (builder.Length > 0)
                {
                    builder.Length--;
                }

                continue;
            }

            if (key.KeyChar != '\0')
            {
                builder.Append(key.KeyChar);
            }
        }

        environment.Error.WriteLine();
        return builder.ToString();
    }

    /// <summary>
    /// One line from a pipe, or null when the pipe is empty (end of input at once) or no line arrives
    /// within <paramref name="wait"/> (a stdin inherited from a parent that never writes or closes).
    /// </summary>
    public static async Task<string?> TryReadPipedLineAsync(TextReader input, TimeSpan wait)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (ReferenceEquals(input, TextReader.Null))
        {
            return null;
        }

        // A blocking console read cannot be cancelled; it runs on its own task and is abandoned after the wait.
        var read = Task.Run(() => ReadLineOrNull(input));
        try
        {
            return await read.WaitAsync(wait).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    /// <summary>One line from a pipe; a usage error when the pipe is empty.</summary>
    public static string ReadFromPipe(TextReader input) =>
        ReadLineOrNull(input) ?? throw new CliUsageException("no password on standard input: pipe it as one line, e.g. `printf '%s\\n' \"$PW\" | handshake verifier scram`, or run in a terminal to be prompted");

    private static string? ReadLineOrNull(TextReader input)
    {
        // Read to the first '\n' ourselves: TextReader.ReadLine also ends a line at a lone '\r'.
        var builder = new StringBuilder();
        int c;
        var sawAny = false;
        while ((c = input.Read()) >= 0)
        {
            sawAny = true;
            if (c == '\n')
            {
                break;
            }

            builder.Append((char)c);
        }

        if (!sawAny)
        {
            return null;
        }

        if (builder.Length > 0 && builder[^1] == '\r')
        {
            builder.Length--;
        }

        return builder.ToString();
    }
}
