using System.Threading.Channels;
using WWPS.PolicyBot.Plumbing;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Slack;

/// <summary>
/// Runs Slack turns after the HTTP request has been answered: Slack wants a 2xx within 3 seconds, and a question,
/// the draft check and the reply to Slack can take longer. A fixed set of workers each owns a bounded queue and a
/// share of the conversations (by channel id), so one conversation's turns run one at a time and in the order they
/// arrived, and two conversations in different shares never wait for each other. Each turn still takes the
/// <see cref="ConversationTurnLock"/> that every channel shares: with several instances on one database, two messages
/// of one conversation that reached different instances still run one at a time.
/// </summary>
internal sealed class SlackInbox : BackgroundService
{
    private readonly Channel<Activity>[] _queues;
    private readonly long _maxBytes;
    private long _bytes;
    private readonly SlackAdapter _adapter;
    private readonly IBot _bot;
    private readonly ConversationTurnLock _turns;
    private readonly ILogger<SlackInbox> _logger;

    public SlackInbox(SlackOptions options, SlackAdapter adapter, IBot bot, ConversationTurnLock turns, ILogger<SlackInbox> logger)
    {
        _adapter = adapter;
        _bot = bot;
        _turns = turns;
        _logger = logger;
        _maxBytes = options.QueueBytes;
        _queues = [.. Enumerable.Range(0, options.Workers).Select(_ => Channel.CreateBounded<Activity>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        }))];
    }

    /// <summary>What the waiting events hold, in bytes as <see cref="Weight"/> counts them.</summary>
    public long QueuedBytes => Interlocked.Read(ref _bytes);

    /// <summary>
    /// Queues a turn. False when its worker is that far behind, or all the waiting events together would hold more
    /// than <see cref="SlackOptions.QueueBytes"/>; the caller refuses and Slack retries.
    /// </summary>
    public bool TryEnqueue(Activity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        var weight = Weight(activity);
        if (Interlocked.Add(ref _bytes, weight) > _maxBytes)
        {
            Interlocked.Add(ref _bytes, -weight);
            return false;
        }

        var key = activity.Conversation?.Id ?? "";
        var index = (int)((uint)StringComparer.Ordinal.GetHashCode(key) % (uint)_queues.Length);
        if (_queues[index].Writer.TryWrite(activity))
        {
            return true;
        }

        Interlocked.Add(ref _bytes, -weight);
        return false;
    }

    /// <summary>
    /// Roughly what a queued activity holds: its text and value (the parts a sender controls) as UTF-16, and a
    /// kilobyte for the rest. A count alone would let a few hundred long messages take the heap.
    /// </summary>
    internal static long Weight(Activity activity) =>
        1024 + ((activity.Text?.Length ?? 0) * 2L) + (activity.Value is { } value ? value.GetRawText().Length * 2L : 0);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_queues.Select(queue => Task.Run(() => WorkAsync(queue.Reader, stoppingToken), CancellationToken.None)));

    private async Task WorkAsync(ChannelReader<Activity> queue, CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var activity in queue.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                Interlocked.Add(ref _bytes, -Weight(activity));
                try
                {
                    // The adapter's turn-error handler logs and apologises; this only catches what escapes it.
                    await using (await _turns.AcquireAsync(activity.ChannelId, activity.Conversation?.Id ?? "", stoppingToken).ConfigureAwait(false))
                    {
                        await _adapter.ProcessActivityAsync(activity, _bot.OnTurnAsync, stoppingToken).ConfigureAwait(false);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    SlackLog.TurnFailed(_logger, ex.GetType().FullName, activity.Conversation?.Id, activity.Id);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            if (queue.Count > 0)
            {
                SlackLog.UnprocessedAtShutdown(_logger, queue.Count);
            }
        }
    }
}
