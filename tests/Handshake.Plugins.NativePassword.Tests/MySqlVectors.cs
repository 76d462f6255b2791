using System.Text;

namespace Handshake.Plugins.NativePassword.Tests;

/// <summary>Vectors from /work/shared/vectors/mysql.md (go-sql-driver/mysql, xp-framework/rdbms, MariaDB docs).</summary>
public static class MySqlVectors
{
    public static TheoryData<string, string, string> NativeResponses => new()
    {
        // go-sql-driver/mysql auth_test.go
        { "secret", "46725c5e01260b743f7217657e671a5f51111815", "35b18c9ffbbd7f356dfcac32d3c0f0a41a30cf2d" },
        { "secret", "60473f08013a4b0c455f423c751f301f5927371f", "ca29c3a422e2316715d3a7c7e374083039479592" },

        // xp-framework/rdbms MySqlPasswordTest (ASCII scramble "12345678901234567890")
        { "hello", Convert.ToHexString(Encoding.ASCII.GetBytes("12345678901234567890")), "7d50516e0e730b0b1b12fbaa1ba0876f3db2c4dd" },
    };

    public static TheoryData<string, string> StoredHashes => new()
    {
        // MariaDB docs, PASSWORD()
        { "secret", "*14E65567ABDB5135D0CFD9A70B3032C179A49EE7" },
        { "notagoodpwd", "*3A70EE9FC6594F88CE9E959CD51C5A1C002DC937" },
    };
}
