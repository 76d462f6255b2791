using System.Globalization;
using System.Text.Json;
using Handshake.Interop.Tests.Infrastructure;
using Handshake.Interop.Tests.Stores;
using Handshake.Plugins.NativePassword;
using Handshake.Plugins.Scram;
using MySqlConnector;
using Npgsql;

namespace Handshake.Interop.Tests.Cli;

/// <summary>
/// Real drivers against <c>handshake serve</c> (a process of its own): they log in AND run the set-up
/// queries a login test server answers. Npgsql (extended protocol, binary results), MySqlConnector (text
/// protocol), node pg (simple and extended) and node mysql2 (tests/interop lockfiles).
/// </summary>
public sealed class ServeDriverQueryTests : IAsyncLifetime, IDisposable
{
    private const string Password = "driver-queries-Passw0rd";
    private readonly string _directory = Directory.CreateTempSubdirectory("handshake-drivers-").FullName;
    private ServeProcess? _postgres;
    private ServeProcess? _mysql;

    public async Task InitializeAsync()
    {
        _postgres = await ServeProcess.StartAsync("serve", "postgres", "--port", "0", "--users", UsersJson());
        _mysql = await ServeProcess.StartAsync("serve", "mysql", "--port", "0", "--users", UsersJson());
    }

    public async Task DisposeAsync()
    {
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }

        if (_mysql is not null)
        {
            await _mysql.DisposeAsync();
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Npgsql_OpenThenSelectOneVersionSetShow_Answered()
    {
        // Type loading would query pg_type, which no login test server answers.
        var builder = new NpgsqlConnectionStringBuilder("Server Compatibility Mode=NoTypeLoading")
        {
            Host = "127.0.0.1",
            Port = _postgres!.Port,
            Username = "alice",
            Password = Password,
            Database = "app",
            SslMode = SslMode.Disable,
            Timeout = 15,
        };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();

        await using (var one = new NpgsqlCommand("SELECT 1", connection))
        {
            Assert.Equal(1, await one.ExecuteScalarAsync());
        }

        await using (var version = new NpgsqlCommand("SELECT version()", connection))
        {
            Assert.StartsWith("PostgreSQL 15.0", (string?)await version.ExecuteScalarAsync(), StringComparison.Ordinal);
        }

        await using (var set = new NpgsqlCommand("SET application_name = 'x'", connection))
        {
            Assert.Equal(-1, await set.ExecuteNonQueryAsync());
        }

        await using (var show = new NpgsqlCommand("SHOW server_version", connection))
        {
            Assert.Equal("15.0 (Handshake)", await show.ExecuteScalarAsync());
        }

        await using var table = new NpgsqlCommand("SELECT * FROM accounts", connection);
        var error = await Assert.ThrowsAsync<PostgresException>(() => table.ExecuteScalarAsync());
        Assert.Equal("0A000", error.SqlState);

        // The session survives an answered error: the next command still works.
        await using var again = new NpgsqlCommand("SELECT 2", connection);
        Assert.Equal(2, await again.ExecuteScalarAsync());
    }

    [Fact]
    public async Task MySqlConnector_OpenThenSelectOneVersionVariables_Answered()
    {
        var builder = new MySqlConnectionStringBuilder
        {
            Server = "127.0.0.1",
            Port = (uint)_mysql!.Port,
            UserID = "bob",
            Password = Password,
            Database = "shop",
            SslMode = MySqlSslMode.None,
            ConnectionTimeout = 15,
        };
        await using var connection = new MySqlConnection(builder.ConnectionString);
        await connection.OpenAsync();

        await using (var one = new MySqlCommand("SELECT 1", connection))
        {
            Assert.Equal(1L, await one.ExecuteScalarAsync());
        }

        await using (var version = new MySqlCommand("SELECT version()", connection))
        {
            Assert.Equal("8.0.36-Handshake", await version.ExecuteScalarAsync());
        }

        await using (var variables = new MySqlCommand("SELECT @@max_allowed_packet, @@character_set_client AS cs, @@version_comment", connection))
        await using (var reader = await variables.ExecuteReaderAsync())
        {
            Assert.True(await reader.ReadAsync());
            Assert.Equal(16777216L, reader.GetInt64(0));
            Assert.Equal("cs", reader.GetName(1));
            Assert.Equal("utf8mb4", reader.GetString(1));
            Assert.Equal("handshake serve (a login test server)", reader.GetString(2));
            Assert.False(await reader.ReadAsync());
        }

        await using (var set = new MySqlCommand("SET NAMES utf8mb4", connection))
        {
            _ = await set.ExecuteNonQueryAsync();
        }

        await using var table = new MySqlCommand("SELECT * FROM accounts", connection);
        var error = await Assert.ThrowsAsync<MySqlException>(() => table.ExecuteScalarAsync());
        Assert.Equal(1235, error.Number);

        await using var again = new MySqlCommand("SELECT 2", connection);
        Assert.Equal(2L, await again.ExecuteScalarAsync());
    }

    [Fact]
    public async Task NodePg_SimpleAndExtendedQueries_Answered()
    {
        var output = await RunNodeAsync("node-pg", new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PGHOST"] = "127.0.0.1",
            ["PGPORT"] = _postgres!.Port.ToString(CultureInfo.InvariantCulture),
            ["PGUSER"] = "alice",
            ["PGPASSWORD"] = Password,
            ["PGDATABASE"] = "app",
        });

        Assert.True(output.GetProperty("ok").GetBoolean(), output.ToString());
        var results = output.GetProperty("results");
        Assert.Equal(1, results[0].GetProperty("rows")[0].GetProperty("one").GetInt32());
        Assert.Equal(23, results[0].GetProperty("fields")[0].GetProperty("dataTypeID").GetInt32());
        Assert.StartsWith("PostgreSQL 15.0", results[1].GetProperty("rows")[0].GetProperty("version").GetString(), StringComparison.Ordinal);
        Assert.Equal("15.0 (Handshake)", results[2].GetProperty("rows")[0].GetProperty("server_version").GetString());
        Assert.Equal(1, results[3].GetProperty("rows")[0].GetProperty("?column?").GetInt32());
    }

    [Fact]
    public async Task NodeMysql2_SetupQueries_Answered()
    {
        var output = await RunNodeAsync("node-mysql", new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["HANDSHAKE_MYSQL_PORT"] = _mysql!.Port.ToString(CultureInfo.InvariantCulture),
            ["HANDSHAKE_MYSQL_USER"] = "bob",
            ["MYSQL_PWD"] = Password,
        });

        Assert.True(output.GetProperty("ok").GetBoolean(), output.ToString());
        var results = output.GetProperty("results");
        Assert.Equal(1, results[0].GetProperty("rows")[0].GetProperty("1").GetInt32());
        Assert.Equal("8.0.36-Handshake", results[1].GetProperty("rows")[0].GetProperty("version()").GetString());
        Assert.Equal("handshake serve (a login test server)", results[2].GetProperty("rows")[0].GetProperty("@@version_comment").GetString());
        Assert.Equal(1, results[3].GetProperty("rows")[0].GetProperty("auto_increment_increment").GetInt32());
    }

    private static async Task<JsonElement> RunNodeAsync(string peer, Dictionary<string, string> environment)
    {
        var directory = InteropEnvironment.NodePeerDirectory(peer);
        Assert.True(Directory.Exists(Path.Combine(directory, "node_modules")), $"{peer}/node_modules is missing: run the suite with tests/run.sh (it runs npm ci).");
        var outcome = await ExternalProcess.RunAsync("node", ["query.js"], environment, workingDirectory: directory, timeout: TimeSpan.FromSeconds(30));
        var line = outcome.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        Assert.True(line is not null, outcome.Combined);
        using var document = JsonDocument.Parse(line);
        return document.RootElement.Clone();
    }

    private string UsersJson()
    {
        var path = Path.Combine(_directory, "users.json");
        if (!File.Exists(path))
        {
            var scram = ScramCredential.Create(Password, SystemRandomSource.Instance, 4096).Format();
            var native = NativePasswordCredential.FromPassword(Password).Format();
            File.WriteAllText(path, $$"""
                {"users":[
                  {"name":"alice","factors":[{"plugin":"SCRAM-SHA-256","stored":"{{scram}}"}]},
                  {"name":"bob","factors":[{"plugin":"mysql_native_password","stored":"{{native}}"}]}
                ]}
                """);
        }

        return path;
    }
}
