namespace Handshake.Cli.Internal;

/// <summary>ANSI styling that disappears when colour is off, so tests and pipes see plain text.</summary>
internal sealed class Ansi(bool enabled)
{
    public static Ansi Plain { get; } = new(false);

    public string Bold(string text) => Wrap("1", text);

    public string Dim(string text) => Wrap("2", text);

    public string Green(string text) => Wrap("32", text);

    public string Red(string text) => Wrap("31", text);

    public string Yellow(string text) => Wrap("33", text);

    public string Cyan(string text) => Wrap("36", text);

    public string Magenta(string text) => Wrap("35", text);

    private string Wrap(string code, string text) => enabled ? $"\u001b[{code}m{text}\u001b[0m" : text;
}
