using System.Security.Cryptography;
using Handshake.Plugins.Resume.Internal;
using Microsoft.Extensions.Options;

namespace Handshake.Plugins.Resume;

/// <summary>The default <see cref="IResumeTokenIssuer"/>: 256 random bits from <see cref="IRandomSource"/>, stored as a hash.</summary>
public sealed class ResumeTokenIssuer : IResumeTokenIssuer
{
    private readonly IResumeTokenStore _store;
    private readonly string _name;
    private readonly Func<ResumeServerOptions> _options;
    private readonly TimeProvider _time;
    private readonly IRandomSource _random;

    /// <summary>Creates the issuer for the verifier <see cref="ResumePluginNames.Resume"/>, with fixed rules.</summary>
    /// <param name="store">Where tokens are kept.</param>
    /// <param name="options">The rules.</param>
    /// <param name="time">The clock; the system clock when null.</param>
    /// <param name="random">The random source; the operating system's CSPRNG when null.</param>
    public ResumeTokenIssuer(IResumeTokenStore store, IOptions<ResumeServerOptions> options, TimeProvider? time = null, IRandomSource? random = null)
        : this(ResumePluginNames.Resume, store, Fixed(options), time, random)
    {
    }

    /// <summary>Creates the issuer for the verifier named <paramref name="name"/>, reading its rules for each token.</summary>
    internal ResumeTokenIssuer(string name, IResumeTokenStore store, IOptionsMonitor<ResumeServerOptions> options, TimeProvider? time, IRandomSource? random)
        : this(name, store, () => options.Get(name), time, random)
    {
    }

    private ResumeTokenIssuer(string name, IResumeTokenStore store, Func<ResumeServerOptions> options, TimeProvider? time, IRandomSource? random)
    {
        ArgumentNullException.ThrowIfNull(store);
        _name = name;
        _store = store;
        _options = options;
        _time = time ?? TimeProvider.System;
        _random = random ?? SystemRandomSource.Instance;
    }

    private static Func<ResumeServerOptions> Fixed(IOptions<ResumeServerOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var value = options.Value;
        return () => value;
    }

    /// <inheritdoc />
    public async ValueTask<ResumeToken> IssueAsync(AuthResult result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Factors.Count == 0 || result.Factors.Any(f => string.Equals(f.PluginName, _name, StringComparison.Ordinal)))
        {
            // A resumed login already got its rotated token; a new family from it would launder a
            // level-1 "resume" login into a fresh family with a fresh absolute lifetime.
            throw new InvalidOperationException("Resume tokens are issued only after a full login; a resumed login already received its rotated token.");
        }

        var options = _options();
        var now = _time.GetUtcNow();
        var family = new byte[16];
        _random.Fill(family);
        var record = new ResumeTokenRecord(
            result.UserName,
            Convert.ToHexStringLower(family),
            [.. result.Factors.Select(f => f.PluginName)],
            result.AssuranceLevel,
            now,
            now,
            now + options.AbsoluteLifetime,
            1);
        var bytes = new byte[ResumeToken.Length];
        try
        {
            _random.Fill(bytes);
            var token = new ResumeToken(bytes) { FamilyId = record.FamilyId, ExpiresAt = record.ExpiresAt };
            await _store.AddAsync(ResumeTokenHasher.Hash(token.Value.Span, options.HashKey), record, cancellationToken).ConfigureAwait(false);
            return token;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }
}
