namespace Handshake.Plugins.Ed25519.Tests;

/// <summary>
/// Known answers from MariaDB itself. Stored keys: MariaDB's documentation of <c>PASSWORD()</c>
/// ('secret'), and a MariaDB 10.11.19 server here (<c>SHOW CREATE USER</c> after <c>IDENTIFIED VIA
/// ed25519 USING PASSWORD(...)</c>, and <c>ed25519_password()</c> for 'foo', 'foobar', 'foo bar' and
/// the empty password, which CREATE USER stores as ''). The plugin's first commit printed other keys
/// for 'foo', 'foobar' and 'foo bar' in its test results; the released plugin prints these. Signatures: what the mariadb 10.11.19 command-line client (libmariadb's client_ed25519)
/// sent back when a capture server switched it to client_ed25519 with the given scramble.
/// </summary>
internal static class MariaDbEd25519Vectors
{
    public static TheoryData<string, string> StoredKeys() => new()
    {
        { "secret", "ZIgUREUg5PVgQ6LskhXmO+eZLS0nC8be6HPjYWR4YJY" },
        { "foo", "vubFBzIrapbfHct1/J72dnUryz5VS7lA6XHH8sIx4TI" },
        { "foobar", "qv2mG6HWCuy32Slb5xhV4THStewNz2VINVPbgk+XAJ8" },
        { "foo bar", "Y5fV74JAVRMOK2cdnUsYS+WW9sXaaL/o+6WGKOgqnzc" },
        { "pw", "vRq+ROSzhW4MwhdoPvlkL1fHkT0w6ZDDbTpVQwSNQ90" },
        { "conformance-secret", "65vRvIgybm5ByX3xFhdJ1GzLVZrTxpiY97RRRojWtrs" },
        { "pässwörd", "3AcJUN7vR2AnAzs/McwNtGs2GDbHzL5YqZoIOPw62V0" },
        { "oc-ed-secret", "WkiZmdgjPjua46MPXaVJBonUKoGIYzQZyeQmyE0979A" },
        { string.Empty, "4LH+dBF+G5W2CKTyId8xR3SyDqZoQjUNUVNxx8aWbG4" },
    };

    public static TheoryData<string, string, string> Signatures() => new()
    {
        {
            "secret",
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
            "546c3e9311d19ee389d1ae5d945821bfe459423910136f16b3bd2ae89fd7d63b449e689f4be812891a85b8f999076446d92adb83d0707215aaa60b5a23220907"
        },
        {
            "pw",
            "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
            "dd0baa2d7f617628078414a508554e641e07448d434e70fab9ead48a43f351105e4a2fa93fbeae10793f05858966104391ac40c81a5417605357bca3a2ac7901"
        },
        {
            "pässwörd",
            "dfff30d188055f20aaa1610f29102805528465bbad91709ded764e8899f5ad2b",
            "e51684a92c8cf5f97ceeae1c0e47e33df90991378dee0a46fca9f478d954f0e510ea9a78ca822e4e37f3d7cd5d5b1d3046d687e1adbe66fcb95dea250a000b00"
        },
        {
            string.Empty,
            "0000000000000000000000000000000000000000000000000000000000000000",
            "ef1f54f720a3280ce28bd63041e8710a5ec141c77a6f2cc7a1130d7f82147858c493469158a3499bd529908ef454326a196fadff372865801e9895b9f7ca190e"
        },
    };
}
