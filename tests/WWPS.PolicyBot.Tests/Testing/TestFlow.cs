using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Tests.Testing;

/// <summary>
/// <c>new TestFlow(adapter, bot).Send("hi").AssertReply("Hello").StartTestAsync()</c>. Each step runs after the
/// one before has finished, so the replies of a turn are all there when it is asserted.
/// </summary>
internal sealed class TestFlow(TestAdapter adapter, BotCallbackHandler bot)
{
    private readonly List<Func<CancellationToken, Task>> _steps = [];

    public TestFlow(TestAdapter adapter, IBot bot) : this(adapter, bot.OnTurnAsync)
    {
    }

    public TestFlow Send(string text) => Send(adapter.MakeMessage(text));

    public TestFlow Send(Activity activity) => Then(ct => adapter.ProcessAsync(activity, bot, ct));

    public TestFlow AssertReply(string expected) =>
        AssertReply(reply => Assert.Equal(expected, TestAdapter.ReadableText(reply)));

    public TestFlow AssertReplyContains(string fragment) =>
        AssertReply(reply => Assert.Contains(fragment, TestAdapter.ReadableText(reply) ?? string.Empty, StringComparison.Ordinal));

    public TestFlow AssertReply(Action<Activity> check) => Then(_ =>
    {
        var reply = adapter.TakeReply();
        Assert.True(reply is not null, "Expected a reply from the bot, but it sent nothing more.");
        check(reply);
        return Task.CompletedTask;
    });

    public TestFlow AssertNoReply() => Then(_ =>
    {
        var reply = adapter.TakeReply();
        Assert.True(reply is null, $"Expected no reply, but the bot sent \"{TestAdapter.ReadableText(reply)}\".");
        return Task.CompletedTask;
    });

    public TestFlow Then(Func<CancellationToken, Task> step)
    {
        _steps.Add(step);
        return this;
    }

    public async Task StartTestAsync(CancellationToken cancellationToken = default)
    {
        foreach (var step in _steps)
        {
            await step(cancellationToken);
        }
    }
}
