using Microsoft.Extensions.Options;

namespace Handshake;

/// <summary>
/// Validates the named options of one registration and skips every other name
/// (<see cref="ValidateOptionsResult.Skip"/>), as ASP.NET Core's per-scheme validation does: two
/// registrations of one plugin under two names each check only their own options.
/// </summary>
/// <typeparam name="TOptions">The options type.</typeparam>
public sealed class NamedOptionsValidator<TOptions> : IValidateOptions<TOptions>
    where TOptions : class
{
    private readonly IValidateOptions<TOptions>? _inner;
    private readonly Func<TOptions, IEnumerable<string>>? _check;

    /// <summary>Creates the validator from a check.</summary>
    /// <param name="name">The registration's name (the options' name).</param>
    /// <param name="check">Returns the failures of the options (none when valid); it gets only this name's options.</param>
    public NamedOptionsValidator(string name, Func<TOptions, IEnumerable<string>> check)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(check);
        Name = name;
        _check = check;
    }

    /// <summary>Creates the validator from a plugin's own validator, which then sees only this name's options.</summary>
    /// <param name="name">The registration's name (the options' name).</param>
    /// <param name="inner">The validator to run for <paramref name="name"/>.</param>
    public NamedOptionsValidator(string name, IValidateOptions<TOptions> inner)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(inner);
        Name = name;
        _inner = inner;
    }

    /// <summary>Gets the name whose options this validator checks.</summary>
    public string Name { get; }

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.Equals(name ?? Options.DefaultName, Name, StringComparison.Ordinal))
        {
            return ValidateOptionsResult.Skip;
        }

        if (_inner is not null)
        {
            return _inner.Validate(name, options);
        }

        var failures = _check!(options).ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
