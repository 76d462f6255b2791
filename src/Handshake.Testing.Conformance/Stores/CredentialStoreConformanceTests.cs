namespace Handshake.Testing.Conformance.Stores;

/// <summary>
/// The promises of an <see cref="ICredentialStore"/>: a user's factors come back whole and in order,
/// names are exact (ordinal), an unknown user is null, and a change made through one instance is seen
/// by the other, never half-applied.
/// </summary>
/// <typeparam name="TStore">The store type (adding and removing users is not part of <see cref="ICredentialStore"/>).</typeparam>
public abstract class CredentialStoreConformanceTests<TStore>
    where TStore : ICredentialStore
{
    private static readonly string[] WriterPlugins = ["SCRAM-SHA-256", "totp", "ssh-key-auth"];

    /// <summary>Creates an instance (the tests use unique user names, so instances may share backing state).</summary>
    /// <returns>The store.</returns>
    protected abstract Task<TStore> CreateStoreAsync();

    /// <summary>Opens a second instance over the same backing state.</summary>
    /// <param name="first">The first instance.</param>
    /// <returns>The second instance.</returns>
    protected abstract Task<TStore> CreateSecondInstanceAsync(TStore first);

    /// <summary>Adds or replaces a user.</summary>
    /// <param name="store">The store.</param>
    /// <param name="policy">The user's policy.</param>
    /// <returns>A task.</returns>
    protected abstract Task AddOrReplaceUserAsync(TStore store, UserAuthPolicy policy);

    /// <summary>Removes a user.</summary>
    /// <param name="store">The store.</param>
    /// <param name="userName">The user.</param>
    /// <returns>Whether the user existed.</returns>
    protected abstract Task<bool> RemoveUserAsync(TStore store, string userName);

    /// <summary>Conformance rule: <c>FindUserAsync</c>, unknown: null.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task FindUserAsync_Unknown_Null()
    {
        var store = await CreateStoreAsync();
        Assert.Null(await store.FindUserAsync(StoreConformance.Unique("ghost"), default));
    }

    /// <summary>Conformance rule: <c>FindUserAsync</c>, added: factors in order with stored values.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task FindUserAsync_Added_FactorsInOrderWithStoredValues()
    {
        var store = await CreateStoreAsync();
        var user = StoreConformance.Unique("alice");
        await AddOrReplaceUserAsync(store, Policy(user, "a", "SCRAM-SHA-256", "totp", "ssh-key-auth"));
        var found = await store.FindUserAsync(user, default);
        Assert.NotNull(found);
        Assert.Equal(user, found.UserName);
        Assert.Equal(["SCRAM-SHA-256", "totp", "ssh-key-auth"], found.Factors.Select(f => f.PluginName));
        Assert.Equal(["a:SCRAM-SHA-256", "a:totp", "a:ssh-key-auth"], found.Factors.Select(f => f.Credential.Value));
    }

    /// <summary>Conformance rule: <c>FindUserAsync</c>, name differs in case: null.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task FindUserAsync_NameDiffersInCase_Null()
    {
        var store = await CreateStoreAsync();
        var user = StoreConformance.Unique("alice");
        await AddOrReplaceUserAsync(store, Policy(user, "a", "SCRAM-SHA-256"));
        Assert.Null(await store.FindUserAsync(user.ToUpperInvariant(), default));
    }

    /// <summary>Conformance rule: <c>AddOrReplaceUserAsync</c>, existing: replaces every factor.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task AddOrReplaceUserAsync_Existing_ReplacesEveryFactor()
    {
        var store = await CreateStoreAsync();
        var user = StoreConformance.Unique("alice");
        await AddOrReplaceUserAsync(store, Policy(user, "a", "SCRAM-SHA-256", "totp"));
        await AddOrReplaceUserAsync(store, Policy(user, "b", "mysql_native_password"));
        var found = await store.FindUserAsync(user, default);
        Assert.Equal(["b:mysql_native_password"], found!.Factors.Select(f => f.Credential.Value));
    }

    /// <summary>Conformance rule: <c>RemoveUserAsync</c>, existing: true then gone.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task RemoveUserAsync_Existing_TrueThenGone()
    {
        var store = await CreateStoreAsync();
        var user = StoreConformance.Unique("alice");
        await AddOrReplaceUserAsync(store, Policy(user, "a", "SCRAM-SHA-256"));
        Assert.True(await RemoveUserAsync(store, user));
        Assert.False(await RemoveUserAsync(store, user));
        Assert.Null(await store.FindUserAsync(user, default));
    }

    /// <summary>Conformance rule: <c>FindUserAsync</c>, added on one instance: found on the other.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task FindUserAsync_AddedOnOneInstance_FoundOnTheOther()
    {
        var first = await CreateStoreAsync();
        var second = await CreateSecondInstanceAsync(first);
        var user = StoreConformance.Unique("alice");
        await AddOrReplaceUserAsync(first, Policy(user, "a", "SCRAM-SHA-256"));
        Assert.NotNull(await second.FindUserAsync(user, default));
        Assert.True(await RemoveUserAsync(second, user));
        Assert.Null(await first.FindUserAsync(user, default));
    }

    /// <summary>Conformance rule: <c>AddOrReplaceUserAsync</c>, concurrent over two instances: one whole policy wins.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task AddOrReplaceUserAsync_ConcurrentOverTwoInstances_OneWholePolicyWins()
    {
        var first = await CreateStoreAsync();
        var second = await CreateSecondInstanceAsync(first);
        var user = StoreConformance.Unique("alice");
        _ = await StoreConformance.RunSplitAsync(first, second, async (s, i) =>
        {
            // Each writer's policy has a different number of factors, all tagged with its index.
            var plugins = WriterPlugins.Take((i % 3) + 1).ToArray();
            await AddOrReplaceUserAsync(s, Policy(user, i.ToString(System.Globalization.CultureInfo.InvariantCulture), plugins));
            return true;
        });

        var fromFirst = await first.FindUserAsync(user, default);
        var fromSecond = await second.FindUserAsync(user, default);
        Assert.NotNull(fromFirst);
        var tags = fromFirst.Factors.Select(f => f.Credential.Value.Split(':')[0]).Distinct().ToArray();
        var tag = Assert.Single(tags);
        Assert.Equal((int.Parse(tag, System.Globalization.CultureInfo.InvariantCulture) % 3) + 1, fromFirst.Factors.Count);
        Assert.Equal(fromFirst.Factors.Select(f => f.Credential.Value), fromSecond!.Factors.Select(f => f.Credential.Value));
    }

    /// <summary>A policy whose factors' stored values are "<paramref name="tag"/>:plugin".</summary>
    /// <param name="user">The user.</param>
    /// <param name="tag">Tags every stored value.</param>
    /// <param name="plugins">The factors' plugins.</param>
    /// <returns>The policy.</returns>
    protected static UserAuthPolicy Policy(string user, string tag, params string[] plugins)
    {
        ArgumentNullException.ThrowIfNull(plugins);
        return new(user, [.. plugins.Select(p => new AuthFactorPolicy(p, StoredCredential.FromString($"{tag}:{p}")))]);
    }
}
