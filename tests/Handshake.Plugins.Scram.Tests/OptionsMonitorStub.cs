using Microsoft.Extensions.Options;

namespace Handshake.Plugins.Scram.Tests;

/// <summary>Fixed options for every name: a seam for constructing a verifier without a container.</summary>
internal sealed class OptionsMonitorStub<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue => value;

    public T Get(string? name) => value;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}
