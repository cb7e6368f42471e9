using WWPS.PolicyBot.Protocol;
using WWPS.PolicyBot.Storage;

namespace WWPS.PolicyBot.Tests.Testing;

/// <summary>
/// Runs every <c>.chat</c> file of a folder against a bot, once on memory storage and once on a SQLite file, so state
/// goes through JSON between turns as it does in the host.
/// </summary>
internal static class TranscriptRuns
{
    public static TheoryData<string, string> Files(string folder)
    {
        var data = new TheoryData<string, string>();
        foreach (var file in Directory.EnumerateFiles(folder, "*.chat").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file), "memory");
            data.Add(Path.GetFileName(file), "sqlite");
        }

        return data;
    }

    public static async Task RunAsync(string folder, string file, string storageKind, Func<IStorage, TimeProvider, AgentApplication> createBot)
    {
        using var temp = new TempFolder();
        var time = new ManualTimeProvider();
        IStorage storage = storageKind == "sqlite" ? await SqliteStorage.OpenAsync(temp.Path, time) : new MemoryStorage();
        var adapter = new TestAdapter(new ListLogger(), time);
        var bot = createBot(storage, time);

        await ChatTranscript.RunAsync(await File.ReadAllTextAsync(Path.Combine(folder, file)), adapter, bot.OnTurnAsync, file);
    }
}
