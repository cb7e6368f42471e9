using System.Text.Json;
using WWPS.PolicyBot.Protocol;
using WWPS.PolicyBot.Storage;
using WWPS.PolicyBot.Storage.Postgres;
using WWPS.PolicyBot.Tests.Support;
using WWPS.PolicyBot.Tests.Testing;

namespace WWPS.PolicyBot.Tests.Storage;

/// <summary>The same ETag rules, whichever store is behind <see cref="IStorage"/>.</summary>
public abstract class StorageContractTests
{
    private protected abstract Task<IStorage> CreateAsync();

    [Fact]
    public async Task ReadsBackWhatWasWritten()
    {
        var storage = await CreateAsync();

        var etags = await storage.WriteAsync(Change("a", """{"n":1}"""), default);
        var read = await storage.ReadAsync(["a", "missing"], default);

        var item = Assert.Single(read).Value;
        Assert.Equal(1, item.Value.GetProperty("n").GetInt32());
        Assert.Equal(etags["a"], item.ETag);
    }

    [Fact]
    public async Task AWriteWithTheCurrentETagSucceedsAndChangesIt()
    {
        var storage = await CreateAsync();
        var first = (await storage.WriteAsync(Change("a", "1"), default))["a"];

        var second = (await storage.WriteAsync(Change("a", "2", first), default))["a"];

        Assert.NotEqual(first, second);
        Assert.Equal(2, (await storage.ReadAsync(["a"], default))["a"].Value.GetInt32());
    }

    [Fact]
    public async Task AWriteWithAStaleETagThrowsAndChangesNothing()
    {
        var storage = await CreateAsync();
        var stale = (await storage.WriteAsync(Change("a", "1"), default))["a"];
        await storage.WriteAsync(Change("a", "2", stale), default);

        var conflict = await Assert.ThrowsAsync<StorageConcurrencyException>(() => storage.WriteAsync(Change("a", "3", stale), default));

        Assert.Equal("a", conflict.Key);
        Assert.Equal(2, (await storage.ReadAsync(["a"], default))["a"].Value.GetInt32());
    }

    [Fact]
    public async Task AWriteWithAnETagForAnItemThatIsGoneThrows()
    {
        var storage = await CreateAsync();
        var etag = (await storage.WriteAsync(Change("a", "1"), default))["a"];
        await storage.DeleteAsync(["a"], default);

        await Assert.ThrowsAsync<StorageConcurrencyException>(() => storage.WriteAsync(Change("a", "2", etag), default));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("*")]
    public async Task NullOrStarOverwrites(string? etag)
    {
        var storage = await CreateAsync();
        await storage.WriteAsync(Change("a", "1"), default);

        await storage.WriteAsync(Change("a", "2", etag), default);

        Assert.Equal(2, (await storage.ReadAsync(["a"], default))["a"].Value.GetInt32());
    }

    [Fact]
    public async Task ABatchWithOneConflictWritesNothing()
    {
        var storage = await CreateAsync();
        await storage.WriteAsync(Change("a", "1"), default);

        var batch = new Dictionary<string, StoreItem>
        {
            ["b"] = Item("10"),
            ["a"] = Item("2", "not-the-etag"),
        };
        await Assert.ThrowsAsync<StorageConcurrencyException>(() => storage.WriteAsync(batch, default));

        var read = await storage.ReadAsync(["a", "b"], default);
        Assert.Equal(1, read["a"].Value.GetInt32());
        Assert.False(read.ContainsKey("b"));
    }

    [Fact]
    public async Task DeleteRemovesAndIgnoresMissingKeys()
    {
        var storage = await CreateAsync();
        await storage.WriteAsync(Change("a", "1"), default);

        await storage.DeleteAsync(["a", "never-there"], default);

        Assert.Empty(await storage.ReadAsync(["a"], default));
    }

    [Fact]
    public async Task OfTwoWritersHoldingTheSameETagExactlyOneWins()
    {
        var storage = await CreateAsync();
        var etag = (await storage.WriteAsync(Change("a", "0"), default))["a"];

        var writers = Enumerable.Range(1, 2)
            .Select(n => Task.Run(() => storage.WriteAsync(Change("a", n.ToString(System.Globalization.CultureInfo.InvariantCulture), etag), default)))
            .ToArray();
        var outcomes = await Task.WhenAll(writers.Select(async w =>
        {
            try
            {
                await w;
                return "won";
            }
            catch (StorageConcurrencyException)
            {
                return "lost";
            }
        }));

        Assert.Equal(["lost", "won"], outcomes.Order());
    }

    [Fact]
    public async Task TurnsWritingAtOnceSucceedOrFailEachOnTheirOwn()
    {
        // Writes that arrive together may be committed together; a turn that lost its ETag check must fail alone, with
        // none of its keys kept, and every other turn's write must land.
        var storage = await CreateAsync();
        var stale = (await storage.WriteAsync(Change("shared", "0"), default))["shared"];
        await storage.WriteAsync(Change("shared", "1", stale), default);

        var writes = Enumerable.Range(0, 120).Select(i => i % 10 == 0
            ? new Dictionary<string, StoreItem> { [$"lost{i}"] = Item("1"), ["shared"] = Item("2", stale) }
            : Change($"won{i}", i.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
        var outcomes = await Task.WhenAll(writes.Select(w => Task.Run(async () =>
        {
            try
            {
                return (await storage.WriteAsync(w, default)).Count == 1 ? "won" : "odd";
            }
            catch (StorageConcurrencyException ex) when (ex.Key == "shared")
            {
                return "lost";
            }
        })));

        Assert.Equal(12, outcomes.Count(o => o == "lost"));
        Assert.Equal(108, outcomes.Count(o => o == "won"));
        var read = await storage.ReadAsync([.. writes.SelectMany(w => w.Keys).Distinct()], default);
        Assert.Equal(1, read["shared"].Value.GetInt32());
        Assert.DoesNotContain(read.Keys, k => k.StartsWith("lost", StringComparison.Ordinal));
        Assert.Equal(108, read.Keys.Count(k => k.StartsWith("won", StringComparison.Ordinal)));
    }

    internal static Dictionary<string, StoreItem> Change(string key, string json, string? etag = null) => new() { [key] = Item(json, etag) };

    internal static StoreItem Item(string json, string? etag = null)
    {
        using var document = JsonDocument.Parse(json);
        return new StoreItem(document.RootElement.Clone(), etag);
    }
}

/// <summary>The purge's rules, for the stores that purge idle state (SQLite and PostgreSQL; memory keeps nothing).</summary>
public abstract class RetainingStorageContractTests : StorageContractTests
{
    private protected abstract ManualTimeProvider Clock { get; }

    private protected abstract Task<IStateRetention> OpenRetainingAsync();

    [Fact]
    public async Task PurgeRemovesOnlyItemsNotWrittenSinceTheCutoff()
    {
        var retention = await OpenRetainingAsync();
        var storage = (IStorage)retention;
        await storage.WriteAsync(Change("old", "1"), default);
        Clock.Advance(TimeSpan.FromDays(31));
        await storage.WriteAsync(Change("new", "2"), default);

        var purged = await retention.PurgeOlderThanAsync(Clock.GetUtcNow() - TimeSpan.FromDays(30), default);

        Assert.Equal(1, purged);
        Assert.Equal(["new"], (await storage.ReadAsync(["old", "new"], default)).Keys);
    }

    [Fact]
    public async Task PurgeLeavesRetainedItemsHoweverOld()
    {
        // The Manager's insights are written once a week or less, and must outlive the day-long idle-state purge.
        var retention = await OpenRetainingAsync();
        var storage = (IStorage)retention;
        await storage.WriteAsync(Change(StorageKeys.Retained + "insights/weeks/2026-W48", "1"), default);
        await storage.WriteAsync(Change("retained-not/really", "2"), default);
        Clock.Advance(TimeSpan.FromDays(31));

        Assert.Equal(1, await retention.PurgeOlderThanAsync(Clock.GetUtcNow() - TimeSpan.FromDays(30), default));
        Assert.Equal([StorageKeys.Retained + "insights/weeks/2026-W48"], (await storage.ReadAsync([StorageKeys.Retained + "insights/weeks/2026-W48", "retained-not/really"], default)).Keys);
    }
}

public sealed class MemoryStorageTests : StorageContractTests
{
    private protected override Task<IStorage> CreateAsync() => Task.FromResult<IStorage>(new MemoryStorage());
}

public sealed class SqliteStorageTests : RetainingStorageContractTests, IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly ManualTimeProvider _time = new();

    private protected override ManualTimeProvider Clock => _time;

    private protected override async Task<IStateRetention> OpenRetainingAsync() => await SqliteStorage.OpenAsync(_folder.Path, _time);

    private protected override async Task<IStorage> CreateAsync() => await SqliteStorage.OpenAsync(_folder.Path, _time);

    /// <summary>Purged data is gone from the file and its write-ahead log, not only from the table.</summary>
    [Fact]
    public async Task PurgedStateCannotBeReadBackFromTheFiles()
    {
        const string Secret = "Oliver Hughes 07700 900123 has nits again";
        using (var storage = await SqliteStorage.OpenAsync(_folder.Path, _time))
        {
            for (var i = 0; i < 20; i++)
            {
                await storage.WriteAsync(Change($"test/conversations/c{i}", $$"""{"draft":"{{Secret}} {{i}}"}"""), default);
            }

            Assert.True(FilesContain(Secret));
            _time.Advance(TimeSpan.FromDays(2));
            Assert.Equal(20, await storage.PurgeOlderThanAsync(_time.GetUtcNow() - TimeSpan.FromDays(1)));
            Assert.False(FilesContain(Secret), "the purged text is still readable in: " + string.Join(", ", Directory.EnumerateFiles(_folder.Path).Where(f => FileContains(f, Secret)).Select(f => Path.GetFileName(f) + " " + new FileInfo(f).Length)));
        }
    }

    private bool FilesContain(string text) => Directory.EnumerateFiles(_folder.Path).Any(f => FileContains(f, text));

    private static bool FileContains(string path, string text)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray().AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(text)) >= 0;
    }

    [Fact]
    public async Task TheFileIsInWalMode()
    {
        var storage = await SqliteStorage.OpenAsync(_folder.Path, _time);

        Assert.Equal("wal", await storage.GetJournalModeAsync());
        Assert.True(File.Exists(Path.Combine(_folder.Path, SqliteStorage.DefaultFileName)));
    }

    [Fact]
    public async Task AFileFromAnEarlierVersionIsMovedToTheLeanerTableWithItsData()
    {
        // Earlier versions kept state in a rowid table with an index on the time; opening such a file moves its rows.
        var path = Path.Combine(_folder.Path, SqliteStorage.DefaultFileName);
        await using (var old = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path}"))
        {
            await old.OpenAsync();
            await using var create = old.CreateCommand();
            create.CommandText = """
                PRAGMA journal_mode = WAL;
                CREATE TABLE state (key TEXT PRIMARY KEY NOT NULL, etag TEXT NOT NULL, value TEXT NOT NULL, updated_utc TEXT NOT NULL);
                CREATE INDEX state_updated_utc ON state (updated_utc);
                INSERT INTO state VALUES ('test/conversations/old', 'e1', '{"kept":true}', '2026-11-25T09:00:00.0000000Z');
                """;
            await create.ExecuteNonQueryAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        using var storage = await SqliteStorage.OpenAsync(_folder.Path, _time);

        var item = (await storage.ReadAsync(["test/conversations/old"], default))["test/conversations/old"];
        Assert.True(item.Value.GetProperty("kept").GetBoolean());
        Assert.Equal("e1", item.ETag);
        await storage.WriteAsync(Change("test/conversations/old", """{"kept":2}""", "e1"), default);
        await using var check = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path}");
        await check.OpenAsync();
        await using var schema = check.CreateCommand();
        schema.CommandText = "SELECT group_concat(sql, ';') FROM sqlite_master WHERE tbl_name = 'state'";
        var sql = (string)(await schema.ExecuteScalarAsync())!;
        Assert.Contains("WITHOUT ROWID", sql, StringComparison.Ordinal);
        Assert.DoesNotContain("state_updated_utc", sql, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReopeningTheFileKeepsTheData()
    {
        var first = await SqliteStorage.OpenAsync(_folder.Path, _time);
        var etag = (await first.WriteAsync(Change("msteams/conversations/19:a", """{"name":"kept"}"""), default))["msteams/conversations/19:a"];
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        var reopened = await SqliteStorage.OpenAsync(_folder.Path, _time);
        var item = (await reopened.ReadAsync(["msteams/conversations/19:a"], default))["msteams/conversations/19:a"];

        Assert.Equal("kept", item.Value.GetProperty("name").GetString());
        Assert.Equal(etag, item.ETag);
    }

    [Fact]
    public async Task TwoStoresOnOneFileSeeEachOthersWrites()
    {
        // Two instances of the bot sharing a data folder: the loser must find out, not overwrite.
        var one = await SqliteStorage.OpenAsync(_folder.Path, _time);
        var two = await SqliteStorage.OpenAsync(_folder.Path, _time);
        var etag = (await one.WriteAsync(Change("k", "1"), default))["k"];
        var readByTwo = (await two.ReadAsync(["k"], default))["k"];

        await one.WriteAsync(Change("k", "2", etag), default);

        await Assert.ThrowsAsync<StorageConcurrencyException>(() => two.WriteAsync(Change("k", "3", readByTwo.ETag), default));
    }

    [Fact]
    public async Task ManyTurnsWritingAtOnceAllLand()
    {
        // Turns share one writer connection and its prepared statements: none may see another's values.
        using var storage = await SqliteStorage.OpenAsync(_folder.Path, _time);
        var keys = Enumerable.Range(0, 200).Select(i => $"test/conversations/c{i}").ToList();

        await Task.WhenAll(keys.Select(key => Task.Run(async () =>
        {
            var etag = (await storage.WriteAsync(Change(key, $$"""{"owner":"{{key}}"}"""), default))[key];
            await storage.WriteAsync(Change(key, $$"""{"owner":"{{key}}","turn":2}""", etag), default);
        })));

        var read = await storage.ReadAsync(keys, default);
        Assert.Equal(200, read.Count);
        Assert.All(keys, key =>
        {
            Assert.Equal(key, read[key].Value.GetProperty("owner").GetString());
            Assert.Equal(2, read[key].Value.GetProperty("turn").GetInt32());
        });
    }

    [Fact]
    public async Task AWriteThatLostTheETagRaceLeavesTheStoreWritable()
    {
        using var storage = await SqliteStorage.OpenAsync(_folder.Path, _time);
        var etag = (await storage.WriteAsync(Change("k", "1"), default))["k"];
        await storage.WriteAsync(Change("k", "2", etag), default);

        await Assert.ThrowsAsync<StorageConcurrencyException>(() => storage.WriteAsync(Change("k", "3", etag), default));
        await storage.WriteAsync(Change("other", "4"), default);

        var read = await storage.ReadAsync(["k", "other"], default);
        Assert.Equal(2, read["k"].Value.GetInt32());
        Assert.Equal(4, read["other"].Value.GetInt32());
    }



    [Fact]
    public async Task AFileThatIsNotADatabaseFailsClearly()
    {
        await File.WriteAllTextAsync(Path.Combine(_folder.Path, "broken.db"), "this is not a database, just some text that is long enough");

        var failure = await Assert.ThrowsAsync<StorageUnavailableException>(() => SqliteStorage.OpenAsync(_folder.Path, _time, "broken.db"));

        Assert.Contains("broken.db", failure.Message, StringComparison.Ordinal);
        Assert.Contains("could not be opened", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFolderThatCannotBeCreatedFailsClearly()
    {
        // A file where the folder should be: creating the folder fails for root as well as for anyone else.
        var blocker = Path.Combine(_folder.Path, "blocker");
        await File.WriteAllTextAsync(blocker, "x");

        var failure = await Assert.ThrowsAsync<StorageUnavailableException>(() => SqliteStorage.OpenAsync(Path.Combine(blocker, "data"), _time));

        Assert.Contains("blocker", failure.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _folder.Dispose();
}

/// <summary>The contract on PostgreSQL, plus what only a shared database has: several processes on it, and the retention purge.</summary>
[Trait("Category", "Slow")]
public sealed class PostgresStorageTests(PostgresClassFixture fixture) : RetainingStorageContractTests, IClassFixture<PostgresClassFixture>, IAsyncLifetime
{
    private readonly ManualTimeProvider _time = new();

    private protected override ManualTimeProvider Clock => _time;

    private protected override async Task<IStateRetention> OpenRetainingAsync() => await OpenAsync();

    public Task InitializeAsync() => fixture.Database.ResetAsync();

    public Task DisposeAsync() => fixture.Database.CloseAllAsync();

    /// <summary>A store on its own connection pool, as one instance of the bot has.</summary>
    private protected override async Task<IStorage> CreateAsync() => await OpenAsync();

    private async Task<PostgresStorage> OpenAsync() => await PostgresStorage.OpenAsync(await fixture.Database.OpenAsync(), _time);

    /// <summary>
    /// Purged state is gone from the table's files, not only from queries: a DELETE leaves the row's bytes in place
    /// until the space is reused. Short values lie in the table itself, long ones in its TOAST table.
    /// </summary>
    [Fact]
    public async Task PurgedStateCannotBeReadBackFromTheTableFiles()
    {
        const string Secret = "Oliver Hughes 07700 900123 has nits again";
        var storage = await OpenAsync();
        for (var i = 0; i < 20; i++)
        {
            await storage.WriteAsync(Change($"test/conversations/c{i}", $$"""{"draft":"{{Secret}} {{i}}"}"""), default);
        }

        // Random text does not compress, so this one is stored out of line, in the TOAST table, as written.
        var noise = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12_000));
        await storage.WriteAsync(Change("test/conversations/long", $$"""{"draft":"{{Secret}} {{noise}}"}"""), default);
        await storage.WriteAsync(Change("test/conversations/kept", """{"draft":"nothing personal"}"""), default);
        var before = await PostgresFiles.HoldingAsync(fixture.Database.ConnectionString, ["state"], Secret);
        Assert.True(before.Count >= 2, "the planted text should be in the table and its TOAST table: " + string.Join(", ", before));

        _time.Advance(TimeSpan.FromDays(2));
        await storage.WriteAsync(Change("test/conversations/kept", """{"draft":"nothing personal"}"""), default);
        Assert.Equal(21, await storage.PurgeOlderThanAsync(_time.GetUtcNow() - TimeSpan.FromDays(1)));

        Assert.Empty(await PostgresFiles.HoldingAfterCompactionAsync(fixture.Database.ConnectionString, ["state"], Secret));
        Assert.Equal(["test/conversations/kept"], (await storage.ReadAsync(["test/conversations/kept", "test/conversations/c1"], default)).Keys);
    }

    [Fact]
    public async Task TwoInstancesOnOneDatabaseSeeEachOthersWrites()
    {
        // Two instances of the bot sharing the database: the loser must find out, not overwrite.
        var one = await OpenAsync();
        var two = await OpenAsync();
        var etag = (await one.WriteAsync(Change("k", "1"), default))["k"];
        var readByTwo = (await two.ReadAsync(["k"], default))["k"];

        await one.WriteAsync(Change("k", "2", etag), default);

        await Assert.ThrowsAsync<StorageConcurrencyException>(() => two.WriteAsync(Change("k", "3", readByTwo.ETag), default));
        Assert.Equal(2, (await two.ReadAsync(["k"], default))["k"].Value.GetInt32());
    }

    [Fact]
    public async Task TurnsOfTwoInstancesOnTheSameKeysNeitherDeadlockNorBothWin()
    {
        // Each round, both instances write the same two keys with the ETags they read, naming them in opposite orders:
        // rows locked in the order given would now and then deadlock (and the server would abort one with an error).
        var one = await OpenAsync();
        var two = await OpenAsync();
        var etags = await one.WriteAsync(new Dictionary<string, StoreItem> { ["a"] = Item("0"), ["b"] = Item("0") }, default);
        for (var round = 1; round <= 100; round++)
        {
            var seen = etags;
            var outcomes = await Task.WhenAll(new[] { (Store: one, Keys: "ab"), (Store: two, Keys: "ba") }.Select(w => Task.Run(async () =>
            {
                var change = w.Keys.Select(k => k.ToString()).ToDictionary(k => k, k => Item($"\"{w.Keys}\"", seen[k]), StringComparer.Ordinal);
                try
                {
                    return await w.Store.WriteAsync(change, default);
                }
                catch (StorageConcurrencyException)
                {
                    return null;
                }
            })));

            etags = Assert.Single(outcomes, o => o is not null)!;
            var read = await one.ReadAsync(["a", "b"], default);
            Assert.Equal(read["a"].Value.GetString(), read["b"].Value.GetString());
        }
    }



    [Fact]
    public async Task ValuesComeBackAsTheJsonTextThatWasWritten()
    {
        // Text, not jsonb: key order, numbers and escapes exactly as the dialogs serialised them.
        var storage = await OpenAsync();
        const string json = """{"z":1,"a":[1.50,"\u00e9\n"],"m":{"b":null,"a":true}}""";

        await storage.WriteAsync(Change("k", json), default);

        Assert.Equal(json, (await storage.ReadAsync(["k"], default))["k"].Value.GetRawText());
    }
}
