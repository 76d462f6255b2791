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

    [Fact]
    public void MySqlClient_RetrievedRsaKeyOpenSslRefuses_IsTypedFailure()
    {
        // Regression for the mysql-client fuzz finding (seed 20261123, input 168850): a retrieved PEM
        // public key with one flipped base64 character parses but OpenSSL refuses to encrypt with it;
        // the CryptographicException escaped the caching_sha2 client as PluginFailure.
        const string Hex =
        "C3010006012D2D2D2D2D424547494E205055424C4943204B45592D2D2D2D2D0A4D494942496A414E42676B71686B69473977"
        + "30424151454641414F43415138414D49494243674B43415145417474444367586C534A796D414572416273534D590A794873"
        + "695A596C55652B327750312B726E37433335312B4536685371526C594C5846614646797648686353594A4A51593441593332"
        + "6543685A7A634B69506F370A6E516D764A4F6944386B4E463330376F64776D704674353645583648337435526968667A6579"
        + "336E766F38416651664E78474E5769655167744D48424B596E580A6249755864595045464A724A6847436F37695963794B6B"
        + "7371707759556D52613372625A314730664F5A4E7668584C6456416176514F4A6D6D675046434C564E0A4A53737663712B31"
        + "54336A4541716E373661646D7A3953344F362F2B46366C534F314549766E6255637168443357795335474472396839572B4D"
        + "3853673150770A74644356656136665178663878567156364F49557A314C63455848687A53426A496E6B5A356B326A416235"
        + "357230656A432B43654742304749352F53737647470A42674944415141420A2D2D2D2D2D454E44205055424C4943204B4559"
        + "2D2D2D2D2D";
        var target = FuzzCatalog.Create("mysql-client");

        var ex = Record.Exception(() => target.Run(new FuzzInput(3, Convert.FromHexString(Hex))));

        Assert.True(ex is null || target.IsExpected(ex), ex?.ToString());
    }
}
