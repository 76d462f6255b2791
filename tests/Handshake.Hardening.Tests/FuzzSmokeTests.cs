using Handshake.Fuzz;
using Handshake.Fuzz.Targets;

namespace Handshake.Hardening.Tests;

/// <summary>
/// The CI smoke run of fuzz/Handshake.Fuzz: every parser, a bounded number of seeded inputs each (the full
/// run, ≥ 1,000,000 per parser, is `dotnet run -c Release --project fuzz/Handshake.Fuzz`; see docs/reliability.md).
/// </summary>
public sealed class FuzzSmokeTests
{
    public static TheoryData<string> Parsers => [.. FuzzCatalog.Names];

    [Theory]
    [MemberData(nameof(Parsers))]
    public void Fuzz_SeededSmokeRun_NoFindings(string parser)
    {
        // Bounded by count (deterministic for the seed) and, as a backstop on a slow machine, by time.
        var report = FuzzRunner.Run(FuzzCatalog.Create(parser), maxInputs: 3_000, maxTime: TimeSpan.FromSeconds(3), seed: 20261123, perInputBudget: TimeSpan.FromSeconds(10));

        Assert.True(report.Inputs > 0);
        Assert.True(report.Findings.Count == 0, string.Join(Environment.NewLine, report.Findings));
    }

    [Theory]
    [MemberData(nameof(Parsers))]
    public void Fuzz_Seeds_EndInSuccessOrTypedFailure(string parser)
    {
        var target = FuzzCatalog.Create(parser);
        var report = FuzzRunner.Run(target, maxInputs: target.Seeds.Count, maxTime: TimeSpan.FromSeconds(30), seed: 1);

        Assert.Equal(target.Seeds.Count, report.Inputs);
        Assert.True(report.Findings.Count == 0, string.Join(Environment.NewLine, report.Findings));
    }

    [Theory]
    [InlineData("mysql-client")]
    [InlineData("mysql-server")]
    [InlineData("pgsql-client")]
    [InlineData("pgsql-server")]
    public void AdapterTarget_UnmutatedRecording_Succeeds(string parser)
    {
        // The replayed honest conversation must log in, or mutations would only ever test the first packet.
        ArgumentNullException.ThrowIfNull(parser);
        var target = (AdapterTarget)FuzzCatalog.Create(parser);
        Assert.True(target.Chunks.Count >= 3, $"{target.Chunks.Count} chunks");

        target.Run(target.Seeds[0]);

        if (parser.EndsWith("-server", StringComparison.Ordinal))
        {
            Assert.True(AdapterCatalog.LastServerSucceeded);
        }
    }

    [Fact]
    public void KeyAuthStored_PemWithUnknownCurveOid_IsTypedFailure()
    {
        // Regression for the fuzz finding fixed in StoredKeyParser (PlatformNotSupportedException escaped).
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var der = key.ExportSubjectPublicKeyInfo();
        byte[] prime256v1 = [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];
        der[der.AsSpan().IndexOf(prime256v1) + 9] = 0x63;
        var pem = System.Security.Cryptography.PemEncoding.WriteString("PUBLIC KEY", der);
        var target = FuzzCatalog.Create("keyauth-stored");

        var input = new FuzzInput(0, System.Text.Encoding.UTF8.GetBytes(pem));
        var ex = Record.Exception(() => target.Run(input));

        Assert.True(ex is null || target.IsExpected(ex), ex?.ToString());
    }
}
