using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;

namespace Handshake.Plugins.MariaDbPam;

/// <summary>
/// What a user's <c>dialog</c> factor stores: one stored credential per question, keyed by the
/// question's name, in the format of whatever checks that question (a SCRAM verifier for a password
/// question checked by "SCRAM-SHA-256", a base32 secret or otpauth URI for a "totp" question). The
/// stored form is a JSON object of strings, <c>{"password":"SCRAM-SHA-256$...","code":"JBSW..."}</c>.
/// </summary>
/// <remarks>
/// The entries are as sensitive as the credentials they hold (a TOTP secret is password-equivalent),
/// so <see cref="ToString"/> never shows them; use <see cref="Format"/> to write the credential store.
/// </remarks>
public sealed class DialogCredential
{
    private const int MaxFormattedLength = 64 * 1024;
    private readonly Dictionary<string, StoredCredential> _entries;

    private DialogCredential(Dictionary<string, StoredCredential> entries) => _entries = entries;

    /// <summary>Gets the question names that have an entry.</summary>
    public IReadOnlyCollection<string> QuestionNames => _entries.Keys;

    /// <summary>Creates a credential from entries.</summary>
    /// <param name="entries">Question name and stored credential pairs; names must be distinct and non-empty.</param>
    /// <returns>The credential.</returns>
    /// <exception cref="ArgumentException">A name is empty or repeated.</exception>
    public static DialogCredential Create(IEnumerable<KeyValuePair<string, StoredCredential>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var map = new Dictionary<string, StoredCredential>(StringComparer.Ordinal);
        foreach (var (name, credential) in entries)
        {
            ArgumentException.ThrowIfNullOrEmpty(name, nameof(entries));
            ArgumentNullException.ThrowIfNull(credential, nameof(entries));
            if (!map.TryAdd(name, credential))
            {
                throw new ArgumentException($"The dialog credential names question '{name}' twice.", nameof(entries));
            }
        }

        return new DialogCredential(map);
    }

    /// <summary>Creates a credential from (question name, stored credential) pairs.</summary>
    /// <param name="entries">The entries.</param>
    /// <returns>The credential.</returns>
    public static DialogCredential Create(params (string QuestionName, StoredCredential Credential)[] entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return Create(entries.Select(e => KeyValuePair.Create(e.QuestionName, e.Credential)));
    }

    /// <summary>Parses the stored form.</summary>
    /// <param name="stored">The stored text.</param>
    /// <returns>The credential.</returns>
    /// <exception cref="HandshakeException"><see cref="AuthErrorCode.InvalidStoredCredential"/>: the text is not a JSON object of strings.</exception>
    public static DialogCredential Parse(string stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return TryParse(stored, out var credential)
            ? credential
            : throw new HandshakeException(
                AuthErrorCode.InvalidStoredCredential,
                "A dialog stored credential is a JSON object whose values are strings, one per question (e.g. {\"password\":\"SCRAM-SHA-256$...\",\"code\":\"...\"}); the one given is not.",
                MariaDbPamPluginNames.Dialog);
    }

    /// <summary>Parses the stored form.</summary>
    /// <param name="stored">The stored text.</param>
    /// <param name="credential">The credential, when well formed.</param>
    /// <returns>Whether the text is a JSON object of strings with distinct, non-empty names.</returns>
    public static bool TryParse([NotNullWhen(true)] string? stored, [NotNullWhen(true)] out DialogCredential? credential)
    {
        credential = null;
        if (stored is null || stored.Length > MaxFormattedLength)
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(stored, new JsonDocumentOptions { MaxDepth = 2 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            var map = new Dictionary<string, StoredCredential>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name.Length == 0 || property.Value.ValueKind != JsonValueKind.String || !map.TryAdd(property.Name, StoredCredential.FromString(property.Value.GetString()!)))
                {
                    return false;
                }
            }

            credential = new DialogCredential(map);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Returns the stored form, a JSON object of strings in question-name order.</summary>
    /// <returns>The stored form.</returns>
    public string Format()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, credential) in _entries.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                writer.WriteString(name, credential.Value);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Wraps <see cref="Format"/> as a <see cref="StoredCredential"/> for a credential store.</summary>
    /// <returns>The stored credential.</returns>
    public StoredCredential ToStoredCredential() => StoredCredential.FromString(Format());

    /// <summary>Never shows the entries.</summary>
    /// <returns>A redacted description.</returns>
    public override string ToString() => $"DialogCredential({_entries.Count} entries, redacted)";

    /// <summary>Finds the entry of one question.</summary>
    internal StoredCredential? Find(string questionName) => _entries.GetValueOrDefault(questionName);
}
