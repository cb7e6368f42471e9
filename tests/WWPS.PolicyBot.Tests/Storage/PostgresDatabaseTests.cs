using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using WWPS.PolicyBot.Protocol;
using WWPS.PolicyBot.Storage.Postgres;
using WWPS.PolicyBot.Tests.Support;
using WWPS.PolicyBot.Tests.Testing;

namespace WWPS.PolicyBot.Tests.Storage;

/// <summary>
/// Opening the PostgreSQL database: the schema created once however many instances start together, a schema newer
/// than the build refused, and a wrong or unreachable database reported in one line that names the setting and never
/// the password.
/// </summary>
[Trait("Category", "Slow")]
public sealed class PostgresDatabaseTests
{
    private const string Password = "correct-horse-battery-staple";

    private readonly ManualTimeProvider _time = new();

    [Fact]
    public async Task InstancesStartingTogetherCreateEachTableOnce()
    {
        await using var database = await PostgresServer.CreateDatabaseAsync();

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            var pool = await database.OpenAsync();
            await PostgresStorage.OpenAsync(pool, _time);
            await PostgresEscalationStore.OpenAsync(pool, _time);
            await PostgresDirectLineStore.OpenAsync(pool);
        })));

        Assert.Equal(["directline 1", "escalations 1", "state 1"], await VersionsAsync(database));
    }

    [Fact]
    public async Task ADatabaseMigratedByANewerBuildIsRefusedClearly()
    {
        await using var database = await PostgresServer.CreateDatabaseAsync();
        await PostgresStorage.OpenAsync(await database.OpenAsync(), _time);
        await PostgresServer.ExecuteAsync(database.ConnectionString, "UPDATE schema_versions SET version = 2 WHERE component = 'state'");

        var failure = await Assert.ThrowsAsync<StorageUnavailableException>(async () => await PostgresStorage.OpenAsync(await database.OpenAsync(), _time));

        Assert.Contains("state schema version 2, newer than this build knows (1)", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingConnectionStringNamesTheSetting()
    {
        var failure = await Assert.ThrowsAsync<StorageUnavailableException>(() => PostgresDatabase.OpenAsync(" "));

        Assert.Contains("ConnectionStrings:PolicyBot is not set", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Host=db;Pasword=" + Password)]
    [InlineData("Host=db;Port=" + Password + ";Password=x")]
    public async Task AConnectionStringThatDoesNotParseIsNamedButNotQuoted(string connectionString)
    {
        var failure = await Assert.ThrowsAsync<StorageUnavailableException>(() => PostgresDatabase.OpenAsync(connectionString));

        Assert.StartsWith("ConnectionStrings:PolicyBot is not a valid Npgsql connection string", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AServerThatCannotBeReachedIsOneLineWithoutThePassword()
    {
        var failure = await Assert.ThrowsAsync<StorageUnavailableException>(
            () => PostgresDatabase.OpenAsync($"Host=127.0.0.1;Port={ClosedPort()};Database=policybot;Username=bot;Password={Password};Timeout=5"));

        Assert.Matches(@"^The PostgreSQL database 127\.0\.0\.1:\d+/policybot \(ConnectionStrings:PolicyBot\) could not be opened: network error ConnectionRefused\.$", failure.Message);
        Assert.DoesNotContain(Password, failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADatabaseThatDoesNotExistIsNamed()
    {
        var admin = new NpgsqlConnectionStringBuilder(await PostgresServer.AdminConnectionStringAsync()) { Database = "no_such_database", Password = Password };

        var failure = await Assert.ThrowsAsync<StorageUnavailableException>(() => PostgresDatabase.OpenAsync(admin.ConnectionString));

        Assert.Contains("/no_such_database (ConnectionStrings:PolicyBot) could not be opened: SQLSTATE 3D000", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheBotDoesNotStartOnAnUnreachableDatabaseAndSaysWhyInOneLine()
    {
        // The real program, as an operator starts it: no stack trace, the setting to fix, exit code 1.
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(BotProcess.BotDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(BotProcess.BotDll);
        start.ArgumentList.Add("--urls=http://127.0.0.1:0");
        start.ArgumentList.Add("--Storage:Provider=postgres");
        start.ArgumentList.Add($"--ConnectionStrings:PolicyBot=Host=127.0.0.1;Port={ClosedPort()};Username=bot;Password={Password}");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal(1, process.ExitCode);
        var line = Assert.Single((await error).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("PolicyBot cannot start: The PostgreSQL database 127.0.0.1:", line, StringComparison.Ordinal);
        Assert.Contains("(ConnectionStrings:PolicyBot) could not be opened", line, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, await output + line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheHealthCheckSaysStorageIsUnavailableWhenTheDatabaseGoesAway()
    {
        await using var database = await PostgresServer.CreateDatabaseAsync();
        await using var bot = await RunningBot.StartAsync(("Storage:Provider", "postgres"), ("ConnectionStrings:PolicyBot", database.ConnectionString));
        using (var healthy = await bot.Client.GetAsync(new Uri("healthz", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
        }

        await PostgresServer.ExecuteAsync(await PostgresServer.AdminConnectionStringAsync(), $"DROP DATABASE {database.Name} WITH (FORCE)");

        using var lost = await bot.Client.GetAsync(new Uri("healthz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, lost.StatusCode);
        Assert.Contains("storage unavailable", await lost.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownProviderStopsTheStartRatherThanFallingBackToAFile()
    {
        var failure = await Assert.ThrowsAsync<StorageUnavailableException>(() => RunningBot.StartAsync(("Storage:Provider", "postgresql")));

        Assert.Equal("Storage:Provider 'postgresql' is not one of sqlite (the default), postgres or memory.", failure.Message);
    }

    private static async Task<List<string>> VersionsAsync(TestDatabase database)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT component || ' ' || version FROM schema_versions ORDER BY component", connection);
        var versions = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            versions.Add(reader.GetString(0));
        }

        return versions;
    }

    /// <summary>A loopback port nobody listens on (it was free a moment ago).</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
