namespace Handshake.Interop.Tests.Infrastructure;

/// <summary>
/// Where tests/run.sh started the real servers (it exports HANDSHAKE_PG_* and HANDSHAKE_MARIADB_*),
/// and the repository paths the peers live in.
/// </summary>
internal static class InteropEnvironment
{
    /// <summary>Gets the repository root (the folder holding Handshake.sln).</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>Gets the folder of a node peer under tests/interop (its node_modules installed by tests/setup.d/30-node.sh).</summary>
    public static string NodePeerDirectory(string name) => Path.Combine(RepositoryRoot, "tests", "interop", name);

    /// <summary>Gets an environment variable, or null when unset or empty.</summary>
    public static string? Get(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;

    /// <summary>
    /// The failure for a peer that is not there. Interop tests never pass vacuously: a missing server is
    /// a failure that says how to get one (tests/run.sh is the README's test command).
    /// </summary>
    public static InvalidOperationException Missing(string what, string variables) =>
        new($"{what} is not available: {variables} not set. Run the suite with tests/run.sh (the README's test command), " +
            "which installs the peers and starts PostgreSQL and MariaDB on 127.0.0.1.");

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Handshake.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Handshake.sln not found above " + AppContext.BaseDirectory);
    }
}
