namespace Handshake.Cli.Demo;

/// <summary>A demo page's name and how to build it (keys and certificates are made only when it runs).</summary>
/// <param name="Key">The name for <c>--plugin</c>.</param>
/// <param name="Summary">One line for the help text.</param>
/// <param name="Build">Makes the page.</param>
internal sealed record DemoPage(string Key, string Summary, Func<DemoScenario> Build);
