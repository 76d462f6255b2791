namespace Handshake.Plugins.CachingSha2.Tests;

/// <summary>Vectors from /work/shared/vectors/mysql.md (go-sql-driver/mysql auth_test.go).</summary>
public static class MySqlVectors
{
    public static TheoryData<string, string, string> FastResponses => new()
    {
        { "secret", "0a2f4a6f4b492230584c724a250d035052021715", "f490e76f66d9d86665ce54d98c78d0acfe2fb0b08b423da807144873d30b312c" },
        { "secret2", "0a2f4a6f4b492230584c724a250d035052021715", "abc3934a012cf342e876071c8ee202de51785b430258a7a0138bc79c4d800bc6" },
    };
}
