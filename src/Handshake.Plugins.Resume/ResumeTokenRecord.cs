namespace Handshake.Plugins.Resume;

/// <summary>
/// What the server stores for one resume token, under the token's hash (never the token): whom and
/// which login it stands for, and its family's limits. Holds no secret.
/// </summary>
/// <param name="UserName">The user the token was issued to.</param>
/// <param name="FamilyId">The family: the first token of a login and every token rotated from it.</param>
/// <param name="Factors">The plugins of the factors passed by the original, full login, in order.</param>
/// <param name="AssuranceLevel">The assurance level of the original login (factors passed: 1 to 3).</param>
/// <param name="FamilyCreatedAt">When the original login issued the family's first token.</param>
/// <param name="IssuedAt">When this token was issued (the inactivity timeout counts from here).</param>
/// <param name="ExpiresAt">When the family ends, whatever its use (absolute lifetime).</param>
/// <param name="Generation">1 for the family's first token, plus one per rotation.</param>
public sealed record ResumeTokenRecord(
    string UserName,
    string FamilyId,
    IReadOnlyList<string> Factors,
    int AssuranceLevel,
    DateTimeOffset FamilyCreatedAt,
    DateTimeOffset IssuedAt,
    DateTimeOffset ExpiresAt,
    int Generation)
{
    /// <summary>Describes the record.</summary>
    /// <returns>A description.</returns>
    public override string ToString() =>
        $"ResumeTokenRecord(user {UserName}, family {FamilyId}, generation {Generation}, AAL{AssuranceLevel} [{string.Join(", ", Factors)}], issued {IssuedAt:O}, expires {ExpiresAt:O})";
}
