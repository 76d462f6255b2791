using Handshake.Plugins.MariaDbPam.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Handshake.Plugins.MariaDbPam;

/// <summary>
/// The server side of <c>dialog</c>: asks <see cref="DialogVerifierOptions.Questions"/> one per round
/// (the first with the switch request, each next one after an answer; the last with the "last
/// question" bit) and checks each answer with what the question names: a password checker of a
/// credential family, or a registered verifier. The user's stored credential is a
/// <see cref="DialogCredential"/> with one entry per question. Keyed by the client plugin name,
/// <c>dialog</c>, which is what the acceptor names in its switch request.
/// </summary>
/// <remarks>
/// With a password question it checks a server-stored password, so under MySQL's multi-factor rules it
/// may only be factor 1 (<see cref="UsesServerStoredPassword"/>). It is not offered, and rejects, over a
/// transport that is not safe for cleartext unless <see cref="DialogVerifierOptions.AllowInsecureTransport"/>.
/// </remarks>
public sealed class DialogVerifier : IAuthVerifier
{
    private readonly Func<DialogVerifierOptions> _options;
    private readonly IServiceProvider _services;

    /// <summary>Creates the verifier as <see cref="MariaDbPamPluginNames.Dialog"/>, with fixed questions.</summary>
    /// <param name="options">The questions.</param>
    /// <param name="services">Where the password checkers and the verifiers the questions name are found (resolved when a dialog starts, as this verifier is one of them).</param>
    public DialogVerifier(IOptions<DialogVerifierOptions> options, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(services);
        Name = MariaDbPamPluginNames.Dialog;
        _options = () => options.Value;
        _services = services;
    }

    /// <summary>Creates the verifier under <paramref name="name"/>, reading the questions of that name for each offer and exchange.</summary>
    internal DialogVerifier(string name, IOptionsMonitor<DialogVerifierOptions> options, IServiceProvider services)
    {
        Name = name;
        _options = () => options.Get(name);
        _services = services;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public bool UsesServerStoredPassword => _options().Questions.Any(q => q.PasswordCredentialFamily is not null);

    /// <inheritdoc />
    public IReadOnlyList<string> GetMechanisms(TransportSecurity transport)
    {
        ArgumentNullException.ThrowIfNull(transport);
        return IsAllowed(_options(), transport) ? [Name] : [];
    }

    /// <inheritdoc />
    public IVerifierExchange Start(VerifierContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var options = _options();
        var checkers = _services.GetServices<IStoredPasswordChecker>().ToList();
        var verifiers = _services.GetServices<IAuthVerifier>().ToList();
        var questions = new List<DialogQuestionCheck>(options.Questions.Count);
        foreach (var question in options.Questions)
        {
            questions.Add(question.PasswordCredentialFamily is { } family
                ? DialogQuestionCheck.ForPassword(question, checkers.LastOrDefault(c => string.Equals(c.CredentialFamily, family, StringComparison.Ordinal)) ?? throw Misconfigured(context, $"question '{question.Name}' is checked by '{family}' passwords, but no IStoredPasswordChecker is registered for that family (AddScramVerifier registers one for SCRAM-SHA-256)"))
                : DialogQuestionCheck.ForVerifier(question, verifiers.LastOrDefault(v => string.Equals(v.Name, question.VerifierName, StringComparison.Ordinal) && v is not DialogVerifier) ?? throw Misconfigured(context, $"question '{question.Name}' is checked by verifier '{question.VerifierName}', which is not registered")));
        }

        return new DialogVerifierExchange(context, questions, IsAllowed(options, context.Transport));
    }

    private static HandshakeException Misconfigured(VerifierContext context, string problem) =>
        new(AuthErrorCode.PluginFailure, $"The dialog verifier is misconfigured: {problem}.", context.VerifierName, context.FactorIndex);

    private static bool IsAllowed(DialogVerifierOptions options, TransportSecurity transport) => CleartextTransport.ServerMayAsk(transport, options.AllowInsecureTransport);
}
