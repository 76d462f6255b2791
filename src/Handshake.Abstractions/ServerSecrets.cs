using System.Security.Cryptography;
using System.Text;

namespace Handshake;

/// <summary>Loads server secrets from an option, a file or an <see cref="IServerSecretProvider"/>, in that order.</summary>
public static class ServerSecrets
{
    /// <summary>The provider name of the unknown-user key (<see cref="ServerSecretOptions.UnknownUserKey"/>).</summary>
    public const string UnknownUserKeyName = "unknown-user-key";

    /// <summary>The shortest key this class accepts for a symmetric server secret.</summary>
    public const int MinKeyLength = 32;

    /// <summary>
    /// Loads a symmetric key: <paramref name="value"/> when set, else the base64 text of
    /// <paramref name="file"/>, else <paramref name="provider"/>'s secret named <paramref name="name"/>.
    /// </summary>
    /// <param name="value">The key set directly, or null.</param>
    /// <param name="file">A file holding the key as base64 text, or null.</param>
    /// <param name="provider">A secret provider, or null.</param>
    /// <param name="name">The secret's name in the provider, and in messages.</param>
    /// <returns>The key, or null when none of the three has it.</returns>
    /// <exception cref="InvalidOperationException">The file cannot be read, is not base64, or a key is shorter than <see cref="MinKeyLength"/> bytes.</exception>
    public static byte[]? LoadKey(ReadOnlyMemory<byte>? value, string? file, IServerSecretProvider? provider, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        byte[]? key;
        string origin;
        if (value is { } direct)
        {
            key = direct.ToArray();
            origin = "the option";
        }
        else if (!string.IsNullOrEmpty(file))
        {
            var text = ReadFile(file, name).Trim();
            try
            {
                key = Convert.FromBase64String(text);
            }
            catch (FormatException)
            {
                throw new InvalidOperationException($"The server secret '{name}' in {file} is not base64 text; write one with `openssl rand -base64 32 > {file}`.");
            }

            origin = file;
        }
        else
        {
            key = provider?.GetSecret(name);
            origin = "the secret provider";
        }

        if (key is not null && key.Length < MinKeyLength)
        {
            CryptographicOperations.ZeroMemory(key);
            throw new InvalidOperationException($"The server secret '{name}' from {origin} is {key.Length} bytes; it must be at least {MinKeyLength}.");
        }

        return key;
    }

    /// <summary>
    /// Loads a text secret (a PEM): <paramref name="value"/> when set, else the text of
    /// <paramref name="file"/>, else <paramref name="provider"/>'s secret named <paramref name="name"/> as UTF-8.
    /// </summary>
    /// <param name="value">The text set directly, or null.</param>
    /// <param name="file">A file holding it, or null.</param>
    /// <param name="provider">A secret provider, or null.</param>
    /// <param name="name">The secret's name in the provider, and in messages.</param>
    /// <returns>The text, or null when none of the three has it.</returns>
    /// <exception cref="InvalidOperationException">The file cannot be read.</exception>
    public static string? LoadText(string? value, string? file, IServerSecretProvider? provider, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!string.IsNullOrEmpty(value))
        {
            return value;
        }

        if (!string.IsNullOrEmpty(file))
        {
            return ReadFile(file, name);
        }

        return provider?.GetSecret(name) is { } bytes ? Encoding.UTF8.GetString(bytes) : null;
    }

    /// <summary>
    /// Loads the unknown-user key of <paramref name="options"/>; when none is configured, generates one
    /// for this process unless <see cref="ServerSecretOptions.RequireSharedSecrets"/> forbids it.
    /// </summary>
    /// <param name="options">The server secret options.</param>
    /// <param name="provider">A secret provider, or null.</param>
    /// <returns>The key (at least 32 bytes).</returns>
    /// <exception cref="InvalidOperationException">No key is configured while a shared store requires one, or the configured one is invalid.</exception>
    public static byte[] LoadUnknownUserKey(ServerSecretOptions options, IServerSecretProvider? provider)
    {
        ArgumentNullException.ThrowIfNull(options);
        var key = LoadKey(options.UnknownUserKey, options.UnknownUserKeyFile, provider, UnknownUserKeyName);
        if (key is not null)
        {
            return key;
        }

        return options.RequireSharedSecrets
            ? throw NotShared(UnknownUserKeyName, "ServerSecretOptions.UnknownUserKey or UnknownUserKeyFile (`handshake serve --unknown-user-key-file`)")
            : RandomNumberGenerator.GetBytes(MinKeyLength);
    }

    /// <summary>
    /// Derives a purpose-bound value from the unknown-user key: HMAC-SHA-256 over the purpose, a NUL and
    /// the user name, so one key serves every verifier without one's output predicting another's.
    /// </summary>
    /// <param name="key">The unknown-user key.</param>
    /// <param name="purpose">What the value is for (for example "SCRAM-SHA-256 salt").</param>
    /// <param name="userName">The user.</param>
    /// <returns>32 bytes, stable for the key, purpose and user.</returns>
    public static byte[] DeriveForUnknownUser(ReadOnlySpan<byte> key, string purpose, string userName)
    {
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        ArgumentNullException.ThrowIfNull(userName);
        var purposeBytes = Encoding.UTF8.GetBytes(purpose);
        var userBytes = Encoding.UTF8.GetBytes(userName);
        var message = new byte[purposeBytes.Length + 1 + userBytes.Length];
        purposeBytes.CopyTo(message, 0);
        userBytes.CopyTo(message, purposeBytes.Length + 1);
        return HMACSHA256.HashData(key, message);
    }

    /// <summary>The start-up error for a secret a shared store requires but nobody configured.</summary>
    /// <param name="name">The secret's provider name.</param>
    /// <param name="where">Where to configure it.</param>
    /// <returns>The exception to throw.</returns>
    public static InvalidOperationException NotShared(string name, string where) =>
        new($"The server secret '{name}' is not configured, and a shared store is registered (ServerSecretOptions.RequireSharedSecrets): a key generated here would differ on every instance and restart. Set {where}, or register an IServerSecretProvider that has '{name}'.");

    private static string ReadFile(string file, string name)
    {
        try
        {
            return File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"The server secret '{name}' cannot be read from {file}: {e.Message}", e);
        }
    }
}
