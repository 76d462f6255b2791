using System.Diagnostics.CodeAnalysis;
using Handshake.Mfa;
using Handshake.Plugins.CachingSha2;
using Handshake.Plugins.KeyAuth;
using Handshake.Plugins.Resume;
using Handshake.Stores.PostgreSql.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Handshake.Stores.PostgreSql;

/// <summary>Registers the PostgreSQL stores in place of the in-memory ones.</summary>
public static class PostgreSqlStoreBuilderExtensions
{
    /// <summary>
    /// Registers every PostgreSQL store (credentials, TOTP state, resume tokens, key revocation, the
    /// caching_sha2 fast-path cache) and the cleanup job, replacing the in-memory defaults whether they
    /// were registered before or after. The stores use the <c>NpgsqlDataSource</c> registered in DI
    /// (for example <c>services.AddSingleton(NpgsqlDataSource.Create(connectionString))</c>).
    /// Sets <see cref="ServerSecretOptions.RequireSharedSecrets"/>: the unknown-user key and the
    /// caching_sha2 RSA key must then be configured, so every instance answers alike.
    /// </summary>
    /// <remarks>The schema must exist first: <see cref="PostgreSqlStoreSchema.MigrateAsync"/> or <c>handshake store init &lt;url&gt;</c>.</remarks>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Adjusts <see cref="PostgreSqlStoreOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddPostgreSqlStores(this IHandshakeBuilder builder, Action<PostgreSqlStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<PostgreSqlStoreOptions>();
        if (configure is not null)
        {
            _ = options.Configure(configure);
        }

        _ = options
            .Validate(o => IsValidSchema(o.Schema), "PostgreSqlStoreOptions.Schema must be a plain lower-case identifier (letters, digits, underscores; at most 63 characters).")
            .Validate(o => o.CleanupBatchSize is >= 1 and <= 100_000, "PostgreSqlStoreOptions.CleanupBatchSize must be 1 to 100000.")
            .Validate(o => o.CleanupTimeLimit > TimeSpan.Zero, "PostgreSqlStoreOptions.CleanupTimeLimit must be positive.")
            .Validate(o => o.TotpStateRetention >= TimeSpan.FromHours(1), "PostgreSqlStoreOptions.TotpStateRetention must be at least 1 hour (a TOTP step must outlive every window it can match in).")
            .Validate(o => o.FastPathCacheLifetime > TimeSpan.Zero, "PostgreSqlStoreOptions.FastPathCacheLifetime must be positive.")
            .ValidateOnStart();
        _ = services.Configure<ServerSecretOptions>(o => o.RequireSharedSecrets = true);

        Use<ICredentialStore, PostgreSqlCredentialStore>(services);
        Use<ITotpStateStore, PostgreSqlTotpStateStore>(services);
        Use<IResumeTokenStore, PostgreSqlResumeTokenStore>(services);
        Use<IKeyAuthRevocationList, PostgreSqlKeyAuthRevocationList>(services);
        Use<ICachingSha2PasswordCache, PostgreSqlCachingSha2PasswordCache>(services);
        services.TryAddSingleton<PostgreSqlStoreMaintenance>();
        return builder;
    }

    private static void Use<TService, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TStore>(IServiceCollection services)
        where TService : class
        where TStore : class, TService
    {
        services.TryAddSingleton<TStore>();
        _ = services.Replace(ServiceDescriptor.Singleton<TService>(sp => sp.GetRequiredService<TStore>()));
    }

    private static bool IsValidSchema(string schema)
    {
        try
        {
            _ = PostgreSqlStoreContext.ValidSchema(schema);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
