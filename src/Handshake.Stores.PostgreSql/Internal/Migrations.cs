namespace Handshake.Stores.PostgreSql.Internal;

/// <summary>The schema's migrations, in order; each is applied once, in one transaction with its version row.</summary>
internal static class Migrations
{
    /// <summary>Gets every migration: its version and its SQL, with {s} for the quoted schema.</summary>
    public static IReadOnlyList<(int Version, string Sql)> All { get; } =
    [
        (1, """
            CREATE TABLE {s}.users (
                user_name text PRIMARY KEY,
                factors jsonb NOT NULL,
                updated_at timestamptz NOT NULL DEFAULT now());

            CREATE TABLE {s}.totp_state (
                state_key text PRIMARY KEY,
                last_step bigint,
                failures integer NOT NULL DEFAULT 0,
                locked_until timestamptz,
                updated_at timestamptz NOT NULL);
            CREATE INDEX totp_state_updated_at ON {s}.totp_state (updated_at);

            CREATE TABLE {s}.resume_families (
                family_id text PRIMARY KEY,
                user_name text NOT NULL,
                expires_at timestamptz NOT NULL,
                revoked boolean NOT NULL DEFAULT false);
            CREATE INDEX resume_families_user_name ON {s}.resume_families (user_name);
            CREATE INDEX resume_families_expires_at ON {s}.resume_families (expires_at);

            CREATE TABLE {s}.resume_tokens (
                token_hash text PRIMARY KEY,
                family_id text NOT NULL REFERENCES {s}.resume_families (family_id) ON DELETE CASCADE,
                user_name text NOT NULL,
                factors text[] NOT NULL,
                assurance_level integer NOT NULL,
                family_created_at timestamptz NOT NULL,
                issued_at timestamptz NOT NULL,
                expires_at timestamptz NOT NULL,
                generation integer NOT NULL,
                used_at timestamptz);
            CREATE INDEX resume_tokens_family_id ON {s}.resume_tokens (family_id);

            CREATE TABLE {s}.key_revocations (
                fingerprint bytea PRIMARY KEY,
                revoked_at timestamptz NOT NULL DEFAULT now());

            CREATE TABLE {s}.caching_sha2_cache (
                user_name text PRIMARY KEY,
                credential_fingerprint bytea NOT NULL,
                nonce bytea NOT NULL,
                sealed bytea NOT NULL,
                recorded_at timestamptz NOT NULL);
            CREATE INDEX caching_sha2_cache_recorded_at ON {s}.caching_sha2_cache (recorded_at);
            """),
    ];
}
