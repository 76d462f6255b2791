using System.Globalization;
using System.Security.Cryptography;
using Handshake.Cli.Serve;
using Handshake.Plugins.CachingSha2;
using Handshake.Plugins.Resume;
using Handshake.Plugins.Scram;
using Handshake.Stores.PostgreSql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Handshake.Cli.Store;

/// <summary>
/// Where <c>serve</c> keeps its state and finds its keys: users.json in memory, or a shared PostgreSQL
/// store (<c>--store</c>); the unknown-user key and the caching_sha2 RSA key from files. With users.json
/// and no key file, the unknown-user key is generated once and kept next to users.json, so a restart
/// shows unknown users the same fake salts. With a store, every key must be given: a generated one would
/// differ per instance, and the server refuses to start.
/// </summary>
internal sealed class ServeState : IAsyncDisposable
{
    public const string GeneratedKeyFileName = ".handshake-unknown-user-key";

    private readonly NpgsqlDataSource? _dataSource;
    private readonly StoreUrl? _store;
    private readonly string? _unknownUserKeyFile;
    private readonly string? _rsaKeyFile;
    private readonly bool _resume;
    private readonly string? _resumeKeyFile;
    private readonly int _scramIterations;
    private readonly int _cachingSha2Iterations;

    private ServeState(IReadOnlyList<ServeUser> users, NpgsqlDataSource? dataSource, StoreUrl? store, string? unknownUserKeyFile, string? rsaKeyFile, bool resume, string? resumeKeyFile)
    {
        _resume = resume;
        _resumeKeyFile = resumeKeyFile;
        Users = users;
        _dataSource = dataSource;
        _store = store;
        _unknownUserKeyFile = unknownUserKeyFile;
        _rsaKeyFile = rsaKeyFile;

        // The fake exchange of an unknown user shows the iteration count real credentials have (the
        // most common one), as PostgreSQL's mock secret must follow scram_iterations.
        _scramIterations = MostCommon(users, UsersFile.Scram, v => ScramCredential.TryParse(v, out var c) ? c.Iterations : null) ?? Verifier.VerifierCommand.DefaultScramIterations;
        _cachingSha2Iterations = MostCommon(users, CachingSha2PluginNames.CachingSha2Password, v => CachingSha2Credential.TryParse(v, out var c) && !c.IsEmpty ? c.Iterations : null) ?? CachingSha2Credential.DefaultIterations;
    }

    public IReadOnlyList<ServeUser> Users { get; }

    public string Describe => (_store is null ? "users in memory" : $"store {_store}") + (_resume ? ", resume on" : string.Empty);

    public static async Task<ServeState> CreateAsync(FileInfo? usersFile, string? storeUrl, FileInfo? unknownUserKeyFile, FileInfo? rsaKeyFile, bool resume, FileInfo? resumeKeyFile, TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        if ((usersFile is null) == (storeUrl is null))
        {
            throw new CliUsageException("give exactly one of --users FILE (users in memory) and --store URL (a shared store)");
        }

        var rsa = rsaKeyFile?.FullName;
        if (rsa is not null && !File.Exists(rsa))
        {
            throw new CliUsageException($"--rsa-key-file {rsaKeyFile!.Name}: no such file (write one with `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048`)");
        }

        var keyFile = unknownUserKeyFile?.FullName;
        if (keyFile is not null && !File.Exists(keyFile))
        {
            throw new CliUsageException($"--unknown-user-key-file {unknownUserKeyFile!.Name}: no such file (write one with `openssl rand -base64 32`)");
        }

        var resumeKey = resumeKeyFile?.FullName;
        if (resumeKey is not null && !File.Exists(resumeKey))
        {
            throw new CliUsageException($"--resume-hash-key-file {resumeKeyFile!.Name}: no such file (write one with `openssl rand -base64 32`)");
        }

        if (usersFile is not null)
        {
            var users = UsersFile.Load(usersFile.FullName, log);
            keyFile ??= await GeneratedKeyFileAsync(Path.GetDirectoryName(usersFile.FullName)!, log).ConfigureAwait(false);
            return new ServeState(users, null, null, keyFile, rsa, resume, resumeKey);
        }

        var store = StoreUrl.Parse(storeUrl);
        var dataSource = store.CreateDataSource();
        try
        {
            var credentials = new PostgreSqlCredentialStore(dataSource, Options.Create(new PostgreSqlStoreOptions { Schema = store.Schema }));
            var listed = await StoreCommand.Run(async () => await credentials.ListUsersAsync(cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
            return new ServeState([.. listed.Select(u => new ServeUser(u.UserName, u.Factors))], dataSource, store, keyFile, rsa, resume, resumeKey);
        }
        catch
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Applies the state and keys to serve's container (after its own registrations, which it overrides).</summary>
    public void Configure(IServiceCollection services, IHandshakeBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(builder);
        _ = services.Configure<ServerSecretOptions>(o => o.UnknownUserKeyFile = _unknownUserKeyFile);
        _ = services.PostConfigureAll<ScramVerifierOptions>(o => o.UnknownUserIterations = _scramIterations);
        _ = services.PostConfigureAll<CachingSha2VerifierOptions>(o =>
        {
            o.UnknownUserIterations = _cachingSha2Iterations;
            if (_rsaKeyFile is not null)
            {
                o.PrivateKeyPem = null;
                o.PrivateKeyPemFile = _rsaKeyFile;
            }
            else if (_dataSource is not null)
            {
                // No ephemeral key with a shared store: the verifier then refuses to start and says what to set.
                o.PrivateKeyPem = null;
            }
        });
        if (_resume)
        {
            // Resumption stands for the user's whole chain, so it is offered next to the first factor's
            // mechanisms; the token store is the in-memory one, or the shared store's (registered below).
            _ = builder.AddResumeVerifier(o => o.HashKeyFile = _resumeKeyFile);
            _ = services.Configure<AcceptorOptions>(o => o.AlternativeFirstPlugins.Add(ResumePluginNames.Resume));
        }

        if (_dataSource is not null)
        {
            _ = services.AddSingleton(_dataSource);
            _ = builder.AddPostgreSqlStores(o => o.Schema = _store!.Schema);
        }
    }

    /// <summary>How often serve deletes a shared store's expired rows (one bounded run each time).</summary>
    public static readonly TimeSpan CleanupInterval = TimeSpan.FromMinutes(5);

    /// <summary>With a shared store, runs the bounded cleanup job every <see cref="CleanupInterval"/> until stopped; a failed run is logged and retried next time.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "A failed cleanup (the database briefly away) must not stop the server; it is logged and retried.")]
    public async Task MaintainAsync(IServiceProvider provider, Action<string> log, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(log);
        if (_dataSource is null)
        {
            return;
        }

        var job = provider.GetRequiredService<PostgreSqlStoreMaintenance>();
        var time = provider.GetService<TimeProvider>() ?? TimeProvider.System;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(CleanupInterval, time, stopping).ConfigureAwait(false);
                var (deleted, limited) = await job.CleanupExpiredAsync(time.GetUtcNow(), stopping).ConfigureAwait(false);
                if (deleted > 0 || limited)
                {
                    log(string.Create(CultureInfo.InvariantCulture, $"store cleanup: {deleted} expired row(s) deleted{(limited ? ", time limit reached (more next run)" : string.Empty)}"));
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                log($"store cleanup failed ({ex.GetType().Name}); retrying in {CleanupInterval.TotalMinutes.ToString(CultureInfo.InvariantCulture)} min");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task<string> GeneratedKeyFileAsync(string directory, TextWriter log)
    {
        var path = Path.Combine(directory, GeneratedKeyFileName);
        if (File.Exists(path))
        {
            return path;
        }

        var key = RandomNumberGenerator.GetBytes(ServerSecrets.MinKeyLength);
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            var stream = new FileStream(path, options);
            await using (stream.ConfigureAwait(false))
            {
                var writer = new StreamWriter(stream);
                await using (writer.ConfigureAwait(false))
                {
                    await writer.WriteLineAsync(Convert.ToBase64String(key)).ConfigureAwait(false);
                }
            }

            await log.WriteLineAsync($"generated the unknown-user key once, in {path} (kept for restarts; pass --unknown-user-key-file to choose one)").ConfigureAwait(false);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another serve created it first: use theirs.
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"cannot keep the unknown-user key next to users.json ({ex.GetType().Name}); pass --unknown-user-key-file", ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }

        return path;
    }

    private static int? MostCommon(IReadOnlyList<ServeUser> users, string plugin, Func<string, int?> iterations) =>
        users.SelectMany(u => u.Factors)
            .Where(f => string.Equals(f.PluginName, plugin, StringComparison.Ordinal))
            .Select(f => iterations(f.Credential.Value))
            .OfType<int>()
            .GroupBy(i => i)
            .OrderByDescending(g => g.Count())
            .ThenByDescending(g => g.Key)
            .Select(g => (int?)g.Key)
            .FirstOrDefault();

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"ServeState({Describe})");
}
