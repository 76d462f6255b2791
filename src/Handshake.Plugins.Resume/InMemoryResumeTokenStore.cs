namespace Handshake.Plugins.Resume;

/// <summary>
/// The default <see cref="IResumeTokenStore"/>: one process, thread-safe (every operation runs under
/// one lock, so a redemption is atomic). Expired families are pruned as new tokens are stored.
/// </summary>
public sealed class InMemoryResumeTokenStore : IResumeTokenStore
{
    private const int PruneEvery = 256;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _tokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Family> _families = new(StringComparer.Ordinal);
    private int _sincePrune;

    /// <summary>Gets the number of token hashes held (used ones included, until their family expires).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _tokens.Count;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask AddAsync(string tokenHash, ResumeTokenRecord record, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tokenHash);
        ArgumentNullException.ThrowIfNull(record);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            PruneIfDue(record.IssuedAt);
            if (_families.ContainsKey(record.FamilyId) || !_tokens.TryAdd(tokenHash, new Entry(record)))
            {
                throw new InvalidOperationException("The resume token or its family already exists.");
            }

            _families.Add(record.FamilyId, new Family(record.UserName, record.ExpiresAt));
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<ResumeRedeemResult> RedeemAsync(ResumeRedeemRequest request, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(request.TokenHash);
        ArgumentException.ThrowIfNullOrEmpty(request.SuccessorHash);
        ArgumentNullException.ThrowIfNull(request.UserName);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            return ValueTask.FromResult(Redeem(request));
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> RevokeFamilyAsync(string familyId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(familyId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            if (!_families.TryGetValue(familyId, out var family) || family.Revoked)
            {
                return ValueTask.FromResult(false);
            }

            family.Revoked = true;
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc />
    public ValueTask<int> RevokeUserAsync(string userName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userName);
        cancellationToken.ThrowIfCancellationRequested();
        var revoked = 0;
        lock (_lock)
        {
            foreach (var family in _families.Values)
            {
                if (!family.Revoked && string.Equals(family.UserName, userName, StringComparison.Ordinal))
                {
                    family.Revoked = true;
                    revoked++;
                }
            }
        }

        return ValueTask.FromResult(revoked);
    }

    private ResumeRedeemResult Redeem(ResumeRedeemRequest request)
    {
        PruneIfDue(request.Now);
        if (!_tokens.TryGetValue(request.TokenHash, out var entry)
            || !string.Equals(entry.Record.UserName, request.UserName, StringComparison.Ordinal)
            || !_families.TryGetValue(entry.Record.FamilyId, out var family))
        {
            return new(ResumeRedeemOutcome.Unknown, null);
        }

        var record = entry.Record;
        var outcome = ResumeRedeemRules.Decide(record, family.Revoked, entry.UsedAt, request);
        if (outcome == ResumeRedeemOutcome.ReusedFamilyRevoked)
        {
            family.Revoked = true;
        }

        if (outcome != ResumeRedeemOutcome.Accepted)
        {
            return new(outcome, record);
        }

        if (_tokens.ContainsKey(request.SuccessorHash))
        {
            throw new InvalidOperationException("The successor resume token already exists.");
        }

        entry.UsedAt = request.Now;
        _tokens.Add(request.SuccessorHash, new Entry(record with { IssuedAt = request.Now, Generation = record.Generation + 1 }));
        return new(ResumeRedeemOutcome.Accepted, record);
    }

    private void PruneIfDue(DateTimeOffset now)
    {
        if (++_sincePrune < PruneEvery)
        {
            return;
        }

        _sincePrune = 0;
        List<string>? dead = null;
        foreach (var (id, family) in _families)
        {
            if (now >= family.ExpiresAt)
            {
                (dead ??= []).Add(id);
            }
        }

        if (dead is null)
        {
            return;
        }

        var deadSet = new HashSet<string>(dead, StringComparer.Ordinal);
        foreach (var id in dead)
        {
            _families.Remove(id);
        }

        foreach (var hash in _tokens.Where(t => deadSet.Contains(t.Value.Record.FamilyId)).Select(t => t.Key).ToList())
        {
            _tokens.Remove(hash);
        }
    }

    private sealed class Entry(ResumeTokenRecord record)
    {
        public ResumeTokenRecord Record { get; } = record;

        public DateTimeOffset? UsedAt { get; set; }
    }

    private sealed class Family(string userName, DateTimeOffset expiresAt)
    {
        public string UserName { get; } = userName;

        public DateTimeOffset ExpiresAt { get; } = expiresAt;

        public bool Revoked { get; set; }
    }
}
