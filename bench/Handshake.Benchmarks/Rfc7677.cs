using System.Security.Cryptography;
using System.Text;
using Handshake.Plugins.Scram;

namespace Handshake.Benchmarks;

/// <summary>
/// The RFC 7677 §3 example (user "user", password "pencil", 4096 iterations) and a reference
/// computation of the server's messages for any client nonce, so each client runs the same
/// transcript: same salt, iterations, server nonce part and message shapes.
/// </summary>
internal static class Rfc7677
{
    public const string User = "user";
    public const string Password = "pencil";
    public const int Iterations = 4096;
    public const string ClientNonce = "rOprNGfwEbeRWgbNEkqO";
    public const string ServerNoncePart = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    public const string SaltBase64 = "W22ZaJ0SNY7soEsUEjb6gQ==";
    public const string ClientFirst = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
    public const string ServerFirst = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    public const string ClientFinal = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    public const string ServerFinal = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

    public static byte[] Salt { get; } = Convert.FromBase64String(SaltBase64);

    public static byte[] PasswordBytes { get; } = Encoding.UTF8.GetBytes(Password);

    /// <summary>The server's stored credential for "pencil" with the RFC's salt (PostgreSQL format).</summary>
    public static ScramCredential Credential { get; } = ScramCredential.Create(Password, Salt, Iterations);

    /// <summary>The server-first message answering a client nonce.</summary>
    public static string ServerFirstFor(string clientNonce) => $"r={clientNonce}{ServerNoncePart},s={SaltBase64},i={Iterations}";

    /// <summary>The server-final message (v=ServerSignature) for a plain "n,," exchange with a client nonce (RFC 5802 §3).</summary>
    public static string ServerFinalFor(string clientNonce)
    {
        var authMessage = $"n={User},r={clientNonce},{ServerFirstFor(clientNonce)},c=biws,r={clientNonce}{ServerNoncePart}";
        var signature = HMACSHA256.HashData(Credential.ServerKey.Span, Encoding.ASCII.GetBytes(authMessage));
        return "v=" + Convert.ToBase64String(signature);
    }
}
