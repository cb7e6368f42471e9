namespace WWPS.PolicyBot.Cli;

/// <summary>
/// The command line's log: warnings and errors as one line each on stderr ("warning: …"), written at once, so a
/// script sees them beside the answers on stdout without parsing anything else.
/// </summary>
internal sealed class StderrLoggerFactory(TextWriter stderr) : ILoggerFactory
{
    private readonly Lock _gate = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void AddProvider(ILoggerProvider provider)
    {
        // One destination only.
    }

    public void Dispose()
    {
    }

    private void Write(LogLevel level, string message)
    {
        lock (_gate)
        {
            stderr.WriteLine($"{(level >= LogLevel.Error ? "error" : "warning")}: {message}");
        }
    }

    private sealed class Logger(StderrLoggerFactory owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            if (IsEnabled(logLevel))
            {
                owner.Write(logLevel, formatter(state, exception));
            }
        }
    }
}
