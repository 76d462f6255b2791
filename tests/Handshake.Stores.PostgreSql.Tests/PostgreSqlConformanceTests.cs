using Handshake.Testing.Conformance.Stores;
using Handshake.Mfa;
using Handshake.Plugins.CachingSha2;
using Handshake.Plugins.KeyAuth;
using Handshake.Plugins.Resume;
using Microsoft.Extensions.Options;
using static Handshake.Stores.PostgreSql.Tests.Guard;

namespace Handshake.Stores.PostgreSql.Tests;

internal static class Guard
{
    public static T Check<T>(T value)
        where T : class => value ?? throw new ArgumentNullException(nameof(value));
}

// Each class gets its own schema (a class fixture); its "second instance" is a store over a second
// data source (a second pool): the cross-instance tests run over two sets of connections.

public sealed class PostgreSqlCredentialStoreConformanceTests(PostgresDatabase db) : CredentialStoreConformanceTests<PostgreSqlCredentialStore>, IClassFixture<PostgresDatabase>
{
    protected override Task<PostgreSqlCredentialStore> CreateStoreAsync() => Task.FromResult(new PostgreSqlCredentialStore(db.First, Options.Create(db.Options)));

    protected override Task<PostgreSqlCredentialStore> CreateSecondInstanceAsync(PostgreSqlCredentialStore first) => Task.FromResult(new PostgreSqlCredentialStore(db.Second, Options.Create(db.Options)));

    protected override async Task AddOrReplaceUserAsync(PostgreSqlCredentialStore store, UserAuthPolicy policy) => _ = await Check(store).AddOrReplaceUserAsync(policy);

    protected override async Task<bool> RemoveUserAsync(PostgreSqlCredentialStore store, string userName) => await Check(store).RemoveUserAsync(userName);
}

public sealed class PostgreSqlTotpStateStoreConformanceTests(PostgresDatabase db) : TotpStateStoreConformanceTests, IClassFixture<PostgresDatabase>
{
    protected override Task<ITotpStateStore> CreateStoreAsync() => Task.FromResult<ITotpStateStore>(new PostgreSqlTotpStateStore(db.First, Options.Create(db.Options)));

    protected override Task<ITotpStateStore> CreateSecondInstanceAsync(ITotpStateStore first) => Task.FromResult<ITotpStateStore>(new PostgreSqlTotpStateStore(db.Second, Options.Create(db.Options)));
}

public sealed class PostgreSqlResumeTokenStoreConformanceTests(PostgresDatabase db) : ResumeTokenStoreConformanceTests, IClassFixture<PostgresDatabase>
{
    protected override Task<IResumeTokenStore> CreateStoreAsync() => Task.FromResult<IResumeTokenStore>(new PostgreSqlResumeTokenStore(db.First, Options.Create(db.Options)));

    protected override Task<IResumeTokenStore> CreateSecondInstanceAsync(IResumeTokenStore first) => Task.FromResult<IResumeTokenStore>(new PostgreSqlResumeTokenStore(db.Second, Options.Create(db.Options)));
}

public sealed class PostgreSqlKeyAuthRevocationListConformanceTests(PostgresDatabase db) : KeyAuthRevocationListConformanceTests<PostgreSqlKeyAuthRevocationList>, IClassFixture<PostgresDatabase>
{
    protected override Task<PostgreSqlKeyAuthRevocationList> CreateListAsync() => Task.FromResult(new PostgreSqlKeyAuthRevocationList(db.First, Options.Create(db.Options)));

    protected override Task<PostgreSqlKeyAuthRevocationList> CreateSecondInstanceAsync(PostgreSqlKeyAuthRevocationList first) => Task.FromResult(new PostgreSqlKeyAuthRevocationList(db.Second, Options.Create(db.Options)));

    protected override async Task RevokeAsync(PostgreSqlKeyAuthRevocationList list, KeyAuthFingerprint fingerprint) => _ = await Check(list).RevokeAsync(fingerprint);

    protected override async Task<bool> ReinstateAsync(PostgreSqlKeyAuthRevocationList list, KeyAuthFingerprint fingerprint) => await Check(list).ReinstateAsync(fingerprint);
}

public sealed class PostgreSqlCachingSha2PasswordCacheConformanceTests(PostgresDatabase db) : CachingSha2PasswordCacheConformanceTests, IClassFixture<PostgresDatabase>, IDisposable
{
    internal static readonly byte[] FleetKey = [.. Enumerable.Range(3, 32).Select(i => (byte)i)];
    private readonly List<PostgreSqlCachingSha2PasswordCache> _created = [];

    public void Dispose()
    {
        foreach (var cache in _created)
        {
            cache.Dispose();
        }
    }

    protected override Task<ICachingSha2PasswordCache> CreateCacheAsync() => Task.FromResult<ICachingSha2PasswordCache>(Create(db.First));

    protected override Task<ICachingSha2PasswordCache> CreateSecondInstanceAsync(ICachingSha2PasswordCache first) => Task.FromResult<ICachingSha2PasswordCache>(Create(db.Second));

    private PostgreSqlCachingSha2PasswordCache Create(Npgsql.NpgsqlDataSource source)
    {
        var cache = new PostgreSqlCachingSha2PasswordCache(source, Options.Create(db.Options), Options.Create(new ServerSecretOptions { UnknownUserKey = FleetKey }));
        _created.Add(cache);
        return cache;
    }
}
