using System.Diagnostics;
using Npgsql;
using WWPS.PolicyBot.Storage.Postgres;

namespace WWPS.PolicyBot.Tests.Support;

/// <summary>
/// The PostgreSQL server the PostgreSQL tests run against: the one <c>tests/run.sh</c> started and exported as
/// <c>POLICYBOT_TEST_POSTGRES</c> (a superuser's Npgsql connection string), or, in a plain <c>dotnet test</c> without
/// it, a throwaway one this test run starts itself with the same script (<c>tests/postgres.sh</c>), once, and stops when
/// the run ends. When neither works the tests fail saying so: they never skip.
/// </summary>
/// <remarks>
/// One server for the whole run rather than an xUnit collection fixture: a collection would run its classes one after
/// another, and these classes are happy to run beside each other, each in a database of its own.
/// </remarks>
internal static class PostgresServer
{
    public const string Variable = "POLICYBOT_TEST_POSTGRES";

    private static readonly Lazy<Task<string>> Admin = new(ConnectAsync);

    /// <summary>A superuser's connection string to the server's <c>postgres</c> database.</summary>
    public static Task<string> AdminConnectionStringAsync() => Admin.Value;

    /// <summary>A new, empty database with a random name, dropped when the result is disposed.</summary>
    public static async Task<TestDatabase> CreateDatabaseAsync()
    {
        var admin = await AdminConnectionStringAsync();
        var name = "policybot_test_" + Guid.NewGuid().ToString("N");
        await ExecuteAsync(admin, $"CREATE DATABASE {name}");
        return new TestDatabase(admin, name, new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString);
    }

    internal static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string> ConnectAsync()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } given)
        {
            return given;
        }

        // No server given: start one for this run, in a folder of its own, and stop it when the test process ends.
        var folder = Path.Combine(Path.GetTempPath(), "policybot-pg-" + Guid.NewGuid().ToString("N")[..12]);
        var (code, output, error) = await RunScriptAsync("start", folder);
        if (code != 0)
        {
            await RunScriptAsync("stop", folder);
            throw new InvalidOperationException(
                $"The PostgreSQL tests need a server: {Variable} is not set and tests/postgres.sh could not start one ({error.Trim()}). " +
                "Run the tests with tests/run.sh, which installs PostgreSQL and starts one, or set " + Variable + " to a superuser's Npgsql connection string.");
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) => RunScriptAsync("stop", folder).GetAwaiter().GetResult();
        return output.Trim();
    }

    private static async Task<(int Code, string Output, string Error)> RunScriptAsync(string action, string folder)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(RepoPaths.Root, "tests", "postgres.sh"));
        start.ArgumentList.Add(action);
        start.ArgumentList.Add(folder);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }
}

/// <summary>A database of the test server's, for one test class or test; dropped, with whatever is connected, on dispose.</summary>
internal sealed class TestDatabase(string admin, string name, string connectionString) : IAsyncDisposable
{
    private readonly List<PostgresDatabase> _opened = [];

    public string Name { get; } = name;

    /// <summary>The database's own connection string (the server's superuser).</summary>
    public string ConnectionString { get; } = connectionString;

    /// <summary>
    /// A new connection pool on the database, as a process of the bot would have; closed with this object. Two of them
    /// are two instances of the bot sharing the database.
    /// </summary>
    public async Task<PostgresDatabase> OpenAsync()
    {
        var database = await PostgresDatabase.OpenAsync(ConnectionString);
        lock (_opened)
        {
            _opened.Add(database);
        }

        return database;
    }

    /// <summary>Empties every table but the schema versions and restarts the ids, so a test starts from nothing.</summary>
    public Task ResetAsync() => PostgresServer.ExecuteAsync(ConnectionString, """
        DO $$
        DECLARE tables text;
        BEGIN
            SELECT string_agg(format('%I', tablename), ', ') INTO tables FROM pg_tables
            WHERE schemaname = 'public' AND tablename <> 'schema_versions';
            IF tables IS NOT NULL THEN
                EXECUTE 'TRUNCATE ' || tables || ' RESTART IDENTITY';
            END IF;
        END $$;
        """);

    /// <summary>Closes the pools opened so far (the test's "processes"), keeping the database.</summary>
    public async Task CloseAllAsync()
    {
        PostgresDatabase[] opened;
        lock (_opened)
        {
            opened = [.. _opened];
            _opened.Clear();
        }

        foreach (var database in opened)
        {
            await database.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAllAsync();
        await PostgresServer.ExecuteAsync(admin, $"DROP DATABASE IF EXISTS {Name} WITH (FORCE)");
    }
}

/// <summary>
/// One database for a test class (xUnit's class fixture), emptied before each test by the class (<see cref="TestDatabase.ResetAsync"/>),
/// so no test sees another's rows.
/// </summary>
public sealed class PostgresClassFixture : IAsyncLifetime
{
    private TestDatabase? _database;

    internal TestDatabase Database => _database ?? throw new InvalidOperationException("The database is made in InitializeAsync.");

    public async Task InitializeAsync() => _database = await PostgresServer.CreateDatabaseAsync();

    public async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
