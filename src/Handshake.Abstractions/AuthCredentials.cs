using System.Globalization;
using System.Text;

namespace Handshake;

/// <summary>
/// A user name and up to three factor secrets (mysql2's <c>password</c>/<c>password1</c>,
/// <c>password2</c>, <c>password3</c>). Factor N's plugin receives secret N.
/// </summary>
public sealed class AuthCredentials : IDisposable
{
    /// <summary>The most factors any handshake may have.</summary>
    public const int MaxFactors = 3;

    private readonly AuthSecret?[] _secrets = new AuthSecret?[MaxFactors];

    /// <summary>Creates credentials.</summary>
    /// <param name="userName">The user name (may be empty where a protocol allows it).</param>
    /// <param name="password">The secret for factor 1, if any.</param>
    /// <param name="password2">The secret for factor 2, if any.</param>
    /// <param name="password3">The secret for factor 3, if any.</param>
    public AuthCredentials(string userName, AuthSecret? password = null, AuthSecret? password2 = null, AuthSecret? password3 = null)
    {
        ArgumentNullException.ThrowIfNull(userName);
        UserName = userName;
        _secrets[0] = password;
        _secrets[1] = password2;
        _secrets[2] = password3;
    }

    /// <summary>Gets the user name.</summary>
    public string UserName { get; }

    /// <summary>Creates credentials from plain-text passwords (convenient for tests and tools).</summary>
    /// <param name="userName">The user name.</param>
    /// <param name="passwords">Up to three passwords, for factors 1, 2 and 3; a null entry leaves that slot empty.</param>
    /// <returns>The credentials.</returns>
    public static AuthCredentials FromPasswords(string userName, params string?[] passwords)
    {
        ArgumentNullException.ThrowIfNull(passwords);
        if (passwords.Length > MaxFactors)
        {
            throw new ArgumentException("At most three factor secrets can be given.", nameof(passwords));
        }

        var secrets = new AuthSecret?[MaxFactors];
        for (var i = 0; i < passwords.Length; i++)
        {
            secrets[i] = passwords[i] is { } p ? AuthSecret.FromPassword(p) : null;
        }

        return new AuthCredentials(userName, secrets[0], secrets[1], secrets[2]);
    }

    /// <summary>Gets the secret for a factor.</summary>
    /// <param name="factorIndex">The factor, 1 to 3.</param>
    /// <returns>The secret, or null when that slot is empty.</returns>
    public AuthSecret? GetSecret(int factorIndex)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(factorIndex, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(factorIndex, MaxFactors);
        return _secrets[factorIndex - 1];
    }

    /// <summary>Zeroes every secret held.</summary>
    public void Dispose()
    {
        foreach (var secret in _secrets)
        {
            secret?.Dispose();
        }
    }

    /// <summary>Shows the user and which slots are filled, never a secret.</summary>
    /// <returns>A redacted description.</returns>
    public override string ToString()
    {
        var builder = new StringBuilder("AuthCredentials(user=").Append(UserName).Append(", secrets=[");
        var first = true;
        for (var i = 0; i < MaxFactors; i++)
        {
            if (_secrets[i] is not null)
            {
                builder.Append(first ? string.Empty : ",").Append((i + 1).ToString(CultureInfo.InvariantCulture));
                first = false;
            }
        }

        return builder.Append("])").ToString();
    }
}
