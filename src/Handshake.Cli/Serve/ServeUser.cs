namespace Handshake.Cli.Serve;

/// <summary>One user from users.json: the name and the factor policies, in order.</summary>
internal sealed record ServeUser(string Name, IReadOnlyList<AuthFactorPolicy> Factors);
