using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;

namespace Handshake.Plugins.OAuthBearer;

/// <summary>
/// The server's error response to a failed OAUTHBEARER authentication (RFC 7628 §3.2.2): a JSON object
/// with the RFC 6750 <c>status</c>, and optionally the <c>scope</c> the server needs and the
/// <c>openid-configuration</c> URL where a client learns how to get a token. It never holds the token.
/// </summary>
public sealed class OAuthBearerError
{
    private const int MaxStatusLength = 64;
    private const int MaxValueLength = 2048;

    /// <summary>Creates an error.</summary>
    /// <param name="status">The RFC 6750 error code (e.g. <see cref="OAuthBearerMechanism.InvalidTokenStatus"/>).</param>
    /// <param name="scope">The scope the server requires, space separated, or null.</param>
    /// <param name="openIdConfiguration">The URL of the OpenID Provider Configuration Document, or null.</param>
    public OAuthBearerError(string status, string? scope = null, string? openIdConfiguration = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(status);
        Status = status;
        Scope = scope;
        OpenIdConfiguration = openIdConfiguration;
    }

    /// <summary>Gets the error code, as RFC 6750 §3.1 defines them (<c>invalid_token</c>, <c>insufficient_scope</c>, <c>invalid_request</c>).</summary>
    public string Status { get; }

    /// <summary>Gets the scope the server requires, space separated, or null when it did not say.</summary>
    public string? Scope { get; }

    /// <summary>Gets the URL of the OpenID Provider Configuration Document, or null when the server did not send one.</summary>
    public string? OpenIdConfiguration { get; }

    /// <summary>
    /// Reads a server's error response. The values are kept only when they are printable and bounded;
    /// unknown members (e.g. RFC 7628 §4.4's <c>schemes</c>) are ignored.
    /// </summary>
    /// <param name="json">The server's challenge bytes.</param>
    /// <param name="error">The error, when the bytes are a JSON object with a string <c>status</c>.</param>
    /// <returns>Whether the bytes were a valid error response.</returns>
    public static bool TryParse(ReadOnlySpan<byte> json, [NotNullWhen(true)] out OAuthBearerError? error)
    {
        error = null;
        if (json.IsEmpty || json.Length > OAuthBearerMechanism.MaxMessageLength)
        {
            return false;
        }

        string? status = null, scope = null, configuration = null;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 4, CommentHandling = JsonCommentHandling.Disallow });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                if (!reader.Read())
                {
                    return false;
                }

                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    reader.Skip();
                    continue;
                }

                var value = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                switch (name)
                {
                    case "status":
                        status = value;
                        break;
                    case "scope":
                        scope = value;
                        break;
                    case "openid-configuration":
                        configuration = value;
                        break;
                    default:
                        break;
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return false;
            }
        }
        catch (JsonException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            // A string with an invalid escape or lone surrogate (Utf8JsonReader.GetString).
            return false;
        }

        if (string.IsNullOrEmpty(status) || !IsPrintable(status, MaxStatusLength) || !IsPrintable(scope, MaxValueLength) || !IsPrintable(configuration, MaxValueLength))
        {
            return false;
        }

        error = new OAuthBearerError(status!, scope, configuration);
        return true;
    }

    /// <summary>Writes the error response a server sends (RFC 7628 §3.2.2), UTF-8 JSON.</summary>
    /// <returns>The JSON bytes.</returns>
    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("status", Status);
            if (Scope is not null)
            {
                writer.WriteString("scope", Scope);
            }

            if (OpenIdConfiguration is not null)
            {
                writer.WriteString("openid-configuration", OpenIdConfiguration);
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Describes the error (it never contains a token).</summary>
    /// <returns>A description.</returns>
    public override string ToString()
    {
        var builder = new StringBuilder("status=").Append(Status);
        if (Scope is not null)
        {
            builder.Append(", scope=").Append(Scope);
        }

        if (OpenIdConfiguration is not null)
        {
            builder.Append(", openid-configuration=").Append(OpenIdConfiguration);
        }

        return builder.ToString();
    }

    private static bool IsPrintable(string? value, int maxLength)
    {
        if (value is null)
        {
            return true;
        }

        if (value.Length > maxLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c is < ' ' or > '~')
            {
                return false;
            }
        }

        return true;
    }
}
