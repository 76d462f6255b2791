namespace Handshake.Cli;

/// <summary>
/// What a command may use beyond its arguments: the writers, standard input (injectable so tests can
/// feed a password), whether input is a terminal (then secrets are read key by key with no echo),
/// and whether output may be coloured.
/// </summary>
internal sealed class CliEnvironment
{
    /// <summary>Gets where results go.</summary>
    public required TextWriter Output { get; init; }

    /// <summary>Gets where errors and prompts go.</summary>
    public required TextWriter Error { get; init; }

    /// <summary>Gets standard input.</summary>
    public TextReader Input { get; init; } = TextReader.Null;

    /// <summary>Gets a value indicating whether standard input is a terminal (a person typing).</summary>
    public bool InputIsTerminal { get; init; }

    /// <summary>Gets the key reader used when <see cref="InputIsTerminal"/>: must not echo.</summary>
    public Func<ConsoleKeyInfo>? ReadKey { get; init; }

    /// <summary>Gets how environment variables are read (injectable so tests can supply HANDSHAKE_PASSWORD without touching the process).</summary>
    public Func<string, string?> GetEnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>Gets how long CPU-heavy work (a key derivation) runs before progress is shown on <see cref="Error"/>. Default 1 s; tests set zero.</summary>
    public TimeSpan ProgressDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets a value indicating whether ANSI colours may be written to <see cref="Output"/>.</summary>
    public bool UseColor { get; init; }

    /// <summary>Gets the process's real console: colour only when output is a terminal and NO_COLOR is unset (https://no-color.org).</summary>
    /// <returns>The environment.</returns>
    public static CliEnvironment FromConsole() => new()
    {
        Output = Console.Out,
        Error = Console.Error,
        Input = Console.In,
        InputIsTerminal = !Console.IsInputRedirected,
        ReadKey = () => Console.ReadKey(intercept: true),
        UseColor = !Console.IsOutputRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR")),
    };
}
