using Microsoft.Extensions.Logging;

namespace WWPS.PolicyBot.Tests.Testing;

/// <summary>Keeps every formatted log line, so a test can check what reached the log (and what did not).</summary>
internal sealed class ListLogger : ILogger
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        // What a console sink would print: the message and, if passed, the whole exception.
        var line = $"{logLevel}: {formatter(state, exception)}{(exception is null ? string.Empty : " " + exception)}";
        lock (_lines)
        {
            _lines.Add(line);
        }
    }
}

/// <summary>A folder under the system temp directory, removed with everything in it at the end of the test.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "policybot-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        // Pooled SQLite handles keep the file open; release them so the folder can go.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Temp clean-up is best effort; a leftover folder must not fail a test.
        }
    }
}
