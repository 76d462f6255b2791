using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Handshake.Tests;

/// <summary>The one named-registration pattern plugin packages share (NamedRegistrationExtensions).</summary>
public sealed class NamedRegistrationTests
{
    [Fact]
    public void Validate_OtherName_Skips()
    {
        var validator = new NamedOptionsValidator<Settings>("a", _ => ["always wrong"]);

        Assert.True(validator.Validate("b", new Settings()).Skipped);
        Assert.True(validator.Validate(Options.DefaultName, new Settings()).Skipped);
        Assert.True(validator.Validate("a", new Settings()).Failed);
    }

    [Fact]
    public void Validate_InnerValidator_SeesOnlyItsName()
    {
        var inner = new CountingValidator();
        var validator = new NamedOptionsValidator<Settings>("a", inner);

        _ = validator.Validate("b", new Settings());
        var result = validator.Validate("a", new Settings { Size = -1 });

        Assert.Equal(["a"], inner.Names);
        Assert.True(result.Failed);
    }

    [Fact]
    public async Task AddNamedOptions_TwoNames_EachValidatedAgainstItsOwnOptions()
    {
        var services = new ServiceCollection();
        var builder = services.AddHandshake();
        _ = builder.AddNamedOptions<Settings>("good", o => o.Size = 1, (_, o) => o.Size < 0 ? ["Size must not be negative."] : []);
        _ = builder.AddNamedOptions<Settings>("bad", o => o.Size = -1, (_, o) => o.Size < 0 ? ["Size must not be negative."] : []);
        await using var sp = services.BuildServiceProvider();
        var monitor = sp.GetRequiredService<IOptionsMonitor<Settings>>();

        Assert.Equal(1, monitor.Get("good").Size);
        var failure = Assert.Throws<OptionsValidationException>(() => monitor.Get("bad"));
        Assert.Equal("bad", failure.OptionsName);

        // One validator per name, each skipping the other's options.
        var validators = sp.GetServices<IValidateOptions<Settings>>().ToList();
        Assert.Equal(2, validators.Count);
        Assert.All(validators, v => Assert.True(v.Validate("third", new Settings { Size = -5 }).Skipped));
    }

    [Fact]
    public async Task AddNamedOptions_SameNameTwice_OneValidatorConfigurationsAddUp()
    {
        var services = new ServiceCollection();
        var builder = services.AddHandshake();
        _ = builder.AddNamedOptions<Settings>("a", o => o.Size += 1, (_, _) => []);
        _ = builder.AddNamedOptions<Settings>("a", o => o.Size += 10, (_, _) => []);
        await using var sp = services.BuildServiceProvider();

        Assert.Single(sp.GetServices<IValidateOptions<Settings>>());
        Assert.Equal(11, sp.GetRequiredService<IOptionsMonitor<Settings>>().Get("a").Size);
    }

    [Fact]
    public async Task TryAddNamedPlugin_SameNameTwice_AddsOnceAndAnotherNameAddsAnother()
    {
        var services = new ServiceCollection();
        var builder = services.AddHandshake();

        Assert.True(builder.TryAddNamedPlugin("x", _ => new NamedPlugin("x")));
        Assert.False(builder.TryAddNamedPlugin("x", _ => new NamedPlugin("x")));
        Assert.True(builder.TryAddNamedPlugin("y", _ => new NamedPlugin("y")));
        Assert.True(builder.TryAddNamedVerifier("x", _ => new NamedVerifier("x")));
        Assert.False(builder.TryAddNamedVerifier("x", _ => new NamedVerifier("x")));
        await using var sp = services.BuildServiceProvider();

        Assert.Equal(["x", "y"], sp.GetRequiredService<IHandshakeCatalog>().PluginNames);
        Assert.Equal("x", Assert.Single(sp.GetRequiredService<IHandshakeCatalog>().Verifiers).Name);
    }

    [Fact]
    public async Task Catalog_PayloadRedactors_FoundByNameFirstWins()
    {
        var services = new ServiceCollection();
        _ = services.AddHandshake()
            .AddPayloadRedactor("x", new FixedRedactor("first"))
            .AddPayloadRedactor("x", new FixedRedactor("second")) // the same name again: ignored
            .AddPayloadRedactor("w", new FixedRedactor("w"));
        await using var sp = services.BuildServiceProvider();
        var catalog = sp.GetRequiredService<IHandshakeCatalog>();

        Assert.Equal(["w", "x"], catalog.RedactedPluginNames);
        Assert.Equal("first", catalog.FindPayloadRedactor("x")!.Redact(PayloadDirection.ClientToServer, [1]));
        Assert.Null(catalog.FindPayloadRedactor("other"));
    }

    [Theory]
    [InlineData(new byte[0], "(empty)")]
    [InlineData(new byte[] { 0x61, 0x62 }, "\"ab\"")]
    [InlineData(new byte[] { 0x00, 0xff }, "0x00ff")]
    public void Show_Payload_RendersTextOrHex(byte[] data, string expected) => Assert.Equal(expected, PayloadRedaction.Show(data));

    [Fact]
    public void Hidden_Payload_ShowsOnlyItsLength() => Assert.Equal("<6 bytes redacted>", PayloadRedaction.Hidden("pencil"u8));

    private sealed class Settings
    {
        public int Size { get; set; }
    }

    private sealed class CountingValidator : IValidateOptions<Settings>
    {
        public List<string?> Names { get; } = [];

        public ValidateOptionsResult Validate(string? name, Settings options)
        {
            Names.Add(name);
            return options.Size < 0 ? ValidateOptionsResult.Fail("negative") : ValidateOptionsResult.Success;
        }
    }

    private sealed class NamedPlugin(string name) : IAuthPlugin
    {
        public string Name => name;

        public IAuthExchange Start(AuthExchangeContext context) => throw new NotSupportedException();
    }

    private sealed class NamedVerifier(string name) : IAuthVerifier
    {
        public string Name => name;

        public IVerifierExchange Start(VerifierContext context) => throw new NotSupportedException();
    }

    private sealed class FixedRedactor(string text) : IPayloadRedactor
    {
        public string Redact(PayloadDirection direction, ReadOnlySpan<byte> data) => text;
    }
}
