using WWPS.PolicyBot.Protocol;
using WWPS.PolicyBot.Tests.Testing;

namespace WWPS.PolicyBot.Tests.Protocol;

public sealed class PipelineTests
{
    [Fact]
    public async Task MiddlewareRunsInOrderAroundTheBot()
    {
        var calls = new List<string>();
        var adapter = new TestAdapter();
        adapter.Use(new MiddlewareFunc(async (tc, next, ct) => { calls.Add("a before"); await next(ct); calls.Add("a after"); }))
               .Use(new MiddlewareFunc(async (tc, next, ct) => { calls.Add("b before"); await next(ct); calls.Add("b after"); }));

        await adapter.ProcessAsync(adapter.MakeMessage("hi"), (tc, ct) => { calls.Add("bot"); return Task.CompletedTask; });

        Assert.Equal(["a before", "b before", "bot", "b after", "a after"], calls);
    }

    [Fact]
    public async Task MiddlewareThatDoesNotCallNextStopsTheTurn()
    {
        var adapter = new TestAdapter();
        adapter.Use(new MiddlewareFunc((tc, next, ct) => tc.SendActivityAsync("blocked", cancellationToken: ct)));
        var botRan = false;

        await adapter.ProcessAsync(adapter.MakeMessage("hi"), (tc, ct) => { botRan = true; return Task.CompletedTask; });

        Assert.False(botRan);
        Assert.Equal("blocked", adapter.TakeReply()!.Text);
    }

    [Fact]
    public async Task RepliesAreAddressedToTheSenderAndTheCallersActivityIsUntouched()
    {
        var adapter = new TestAdapter();
        var prompt = MessageFactory.Text("What's your name?");

        await adapter.ProcessAsync(adapter.MakeMessage("hi"), (tc, ct) => tc.SendActivityAsync(prompt, ct));

        var reply = adapter.TakeReply()!;
        Assert.Equal("bot1", reply.From!.Id);
        Assert.Equal("user1", reply.Recipient!.Id);
        Assert.Equal("conversation1", reply.Conversation!.Id);
        Assert.NotNull(reply.ReplyToId);
        Assert.Null(prompt.Recipient);
    }

    [Fact]
    public async Task RespondedIgnoresTyping()
    {
        var adapter = new TestAdapter();
        var seen = new List<bool>();

        await adapter.ProcessAsync(adapter.MakeMessage("hi"), async (tc, ct) =>
        {
            seen.Add(tc.Responded);
            await tc.SendActivityAsync(new Activity { Type = ActivityTypes.Typing }, ct);
            seen.Add(tc.Responded);
            await tc.SendActivityAsync("answer", cancellationToken: ct);
            seen.Add(tc.Responded);
        });

        Assert.Equal([false, false, true], seen);
    }

    [Fact]
    public async Task SendHandlersSeeEverySendAndCanAddToIt()
    {
        var adapter = new TestAdapter();

        // What a typing-indicator middleware would do: put a typing activity ahead of the first reply.
        adapter.Use(new MiddlewareFunc((tc, next, ct) =>
        {
            tc.OnSendActivities(async (ctx, activities, send, token) =>
            {
                if (!ctx.Responded)
                {
                    await ctx.Adapter.SendActivitiesAsync(ctx, [new Activity { Type = ActivityTypes.Typing }], token);
                }

                return await send();
            });
            return next(ct);
        }));

        await adapter.ProcessAsync(adapter.MakeMessage("hi"), async (tc, ct) =>
        {
            await tc.SendActivityAsync("one", cancellationToken: ct);
            await tc.SendActivityAsync("two", cancellationToken: ct);
        });

        Assert.Equal([ActivityTypes.Typing, "one", "two"], adapter.PendingReplies.Select(a => a.Text ?? a.Type!));
    }

    [Fact]
    public async Task ExpectRepliesComesBackInTheOutcomeInsteadOfBeingSent()
    {
        var adapter = new TestAdapter();
        var activity = adapter.MakeMessage("hi");
        activity.DeliveryMode = DeliveryModes.ExpectReplies;

        var outcome = await adapter.ProcessActivityAsync(activity, async (tc, ct) =>
        {
            await tc.SendActivityAsync("one", cancellationToken: ct);
            await tc.SendActivityAsync("two", cancellationToken: ct);
        }, CancellationToken.None);

        Assert.Empty(adapter.PendingReplies);
        Assert.Equal(["one", "two"], outcome.ExpectedReplies!.Select(a => a.Text));
    }

    [Fact]
    public async Task ATurnErrorIsLoggedWithoutTheMessageAndAnsweredPolitely()
    {
        var logger = new ListLogger();
        var adapter = new TestAdapter(logger);

        await adapter.ProcessAsync(
            adapter.MakeMessage("Jayden Smith was off again"),
            (tc, ct) => throw new FormatException($"Could not read '{tc.Activity.Text}'"));

        Assert.Equal(BotAdapter.DefaultErrorMessage, adapter.TakeReply()!.Text);
        var line = Assert.Single(logger.Lines);
        Assert.Contains("System.FormatException", line, StringComparison.Ordinal);
        Assert.Contains("conversation1", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Jayden", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFailedInvokeGetsNoChatMessage()
    {
        var adapter = new TestAdapter(new ListLogger());

        var outcome = await adapter.ProcessAsync(
            new Activity { Type = ActivityTypes.Invoke, Name = "adaptiveCard/action" },
            (tc, ct) => throw new InvalidOperationException("boom"));

        Assert.Empty(adapter.PendingReplies);
        Assert.Null(outcome.InvokeResponse);
    }

    [Fact]
    public async Task ContinueConversationWritesIntoTheStoredConversation()
    {
        var adapter = new TestAdapter();
        var reference = adapter.Reference with { Conversation = new ConversationAccount { Id = "elsewhere" } };

        await adapter.ContinueConversationAsync(reference, (tc, ct) => tc.SendActivityAsync("A person has replied.", cancellationToken: ct), CancellationToken.None);

        var sent = adapter.TakeReply()!;
        Assert.Equal("elsewhere", sent.Conversation!.Id);
        Assert.Equal("user1", sent.Recipient!.Id);
    }
}
