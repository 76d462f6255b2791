namespace Handshake.Interop.Tests.Infrastructure;

/// <summary>
/// The PAM service tests/run.sh wrote for MariaDB's auth_pam (HANDSHAKE_MARIADB_PAM_*): a password from a
/// pwdfile (user oc_pam), then a Google Authenticator code from a fresh base32 secret.
/// </summary>
internal sealed class MariaDbPamService
{
    private MariaDbPamService(string service, string password, string totpSecret)
    {
        Service = service;
        Password = password;
        TotpSecret = totpSecret;
    }

    public string Service { get; }

    public string Password { get; }

    public string TotpSecret { get; }

    /// <summary>Returns the service, or throws (fails the test) when tests/run.sh did not write one.</summary>
    public static MariaDbPamService Require()
    {
        var service = InteropEnvironment.Get("HANDSHAKE_MARIADB_PAM_SERVICE");
        var password = InteropEnvironment.Get("HANDSHAKE_MARIADB_PAM_PASSWORD");
        var secret = InteropEnvironment.Get("HANDSHAKE_MARIADB_PAM_TOTP_SECRET");
        return service is null || password is null || secret is null
            ? throw InteropEnvironment.Missing("MariaDB's PAM service", "HANDSHAKE_MARIADB_PAM_SERVICE, HANDSHAKE_MARIADB_PAM_PASSWORD, HANDSHAKE_MARIADB_PAM_TOTP_SECRET")
            : new MariaDbPamService(service, password, secret);
    }
}
