using WWPS.PolicyBot.DirectLine;
using WWPS.PolicyBot.Protocol;
using WWPS.PolicyBot.Tests.Testing;

namespace WWPS.PolicyBot.Tests.DirectLine;

/// <summary>Token lifetime, idle expiry and the bounds on memory, on a clock the test moves.</summary>
public sealed class DirectLineConversationsTests
{
    private static readonly ChannelAccount Parent = new() { Id = "dl_parent", Role = RoleTypes.User };

    private readonly ManualTimeProvider _time = new();

    private DirectLineConversations Store(DirectLineOptions? options = null) => new(options ?? new DirectLineOptions(), _time);

    [Fact]
    public void TokenStopsWorkingWhenItExpires()
    {
        var store = Store(new DirectLineOptions { TokenLifetime = TimeSpan.FromMinutes(30) });
        var conversation = store.Create(Parent, locale: null)!;
        var token = store.IssueToken(conversation).Token;

        _time.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(TokenCheck.Valid, store.Check(conversation.Id, token).Status);

        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(TokenCheck.Forbidden, store.Check(conversation.Id, token).Status);
        Assert.Equal(TokenCheck.Forbidden, store.FindByToken(token).Status);
    }

    [Fact]
    public void RefreshedTokenOutlivesTheOldOne()
    {
        var store = Store(new DirectLineOptions { TokenLifetime = TimeSpan.FromMinutes(30) });
        var conversation = store.Create(Parent, locale: null)!;
        var old = store.IssueToken(conversation).Token;
        _time.Advance(TimeSpan.FromMinutes(15));
        var fresh = store.IssueToken(conversation).Token;

        _time.Advance(TimeSpan.FromMinutes(20));

        Assert.Equal(TokenCheck.Forbidden, store.Check(conversation.Id, old).Status);
        var access = store.Check(conversation.Id, fresh);
        Assert.Equal(TokenCheck.Valid, access.Status);
        Assert.Equal(TimeSpan.FromMinutes(10), access.ExpiresIn);
    }

    [Fact]
    public void IdleConversationEndsButOneInUseDoesNot()
    {
        var store = Store(new DirectLineOptions { IdleTimeout = TimeSpan.FromMinutes(10), TokenLifetime = TimeSpan.FromHours(2) });
        var idle = store.Create(Parent, locale: null)!;
        var idleToken = store.IssueToken(idle).Token;
        var busy = store.Create(Parent, locale: null)!;
        var busyToken = store.IssueToken(busy).Token;

        for (var minute = 0; minute < 15; minute += 5)
        {
            _time.Advance(TimeSpan.FromMinutes(5));
            Assert.Equal(TokenCheck.Valid, store.Check(busy.Id, busyToken).Status);
        }

        Assert.Equal(TokenCheck.ConversationNotFound, store.Check(idle.Id, idleToken).Status);
        Assert.Null(store.Find(idle.Id));
        Assert.Equal(1, store.Count);
    }

    [Fact]
    public void RefusesNewConversationsWhenFullUntilOneExpires()
    {
        var store = Store(new DirectLineOptions { MaxConversations = 2, IdleTimeout = TimeSpan.FromMinutes(10) });
        Assert.NotNull(store.Create(Parent, locale: null));
        Assert.NotNull(store.Create(Parent, locale: null));

        Assert.Null(store.Create(Parent, locale: null));

        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.NotNull(store.Create(Parent, locale: null));
    }

    [Fact]
    public void KeepsOnlyTheNewestActivitiesAndWatermarksKeepCounting()
    {
        var conversation = Store(new DirectLineOptions { MaxActivitiesPerConversation = 3 }).Create(Parent, locale: null)!;
        for (var i = 1; i <= 5; i++)
        {
            conversation.Append(new Activity { Type = ActivityTypes.Message, Text = $"m{i}" }, _time.GetUtcNow());
        }

        var all = conversation.ReadAfter(0);
        var tail = conversation.ReadAfter(4);

        Assert.Equal(["m3", "m4", "m5"], all.Activities.Select(a => a.Text));
        Assert.Equal("5", all.Watermark);
        Assert.Equal(["m5"], tail.Activities.Select(a => a.Text));
        Assert.EndsWith("|0000005", tail.Activities[0].Id, StringComparison.Ordinal);
    }

    [Fact]
    public void TimestampsStrictlyIncreaseWhenTheClockStandsStill()
    {
        var conversation = Store().Create(Parent, locale: null)!;
        var now = _time.GetUtcNow();

        var first = new Activity { Type = ActivityTypes.Message };
        var second = new Activity { Type = ActivityTypes.Message };
        conversation.Append(first, now);
        conversation.Append(second, now);

        Assert.Equal(now, first.Timestamp);
        Assert.Equal(now.AddMilliseconds(1), second.Timestamp);
    }

    [Fact]
    public void OldTokensBeyondTheLimitAreDropped()
    {
        var store = Store();
        var conversation = store.Create(Parent, locale: null)!;
        var first = store.IssueToken(conversation).Token;
        for (var i = 0; i < 4; i++)
        {
            store.IssueToken(conversation);
        }

        Assert.Equal(TokenCheck.Forbidden, store.Check(conversation.Id, first).Status);
    }

    [Fact]
    public void UploadsBeyondAConversationsShareDropTheOldest()
    {
        var store = Store(new DirectLineOptions { MaxUploadBytesPerConversation = 25 });
        var conversation = store.Create(Parent, locale: null)!;

        Assert.True(store.TryKeepUploads(conversation, [Upload("a", 10), Upload("b", 10)]));
        Assert.True(store.TryKeepUploads(conversation, [Upload("c", 10)]));

        Assert.Null(store.FindUpload(conversation.Id, "a"));
        Assert.NotNull(store.FindUpload(conversation.Id, "b"));
        Assert.NotNull(store.FindUpload(conversation.Id, "c"));
    }

    [Fact]
    public void UploadsAreRefusedWhenAllConversationsHoldTheMostAndFreedWhenOneExpires()
    {
        var store = Store(new DirectLineOptions { MaxUploadBytesHeld = 25, IdleTimeout = TimeSpan.FromMinutes(60) });
        var first = store.Create(Parent, locale: null)!;
        Assert.True(store.TryKeepUploads(first, [Upload("a", 20)]));
        _time.Advance(TimeSpan.FromMinutes(30));
        var second = store.Create(Parent, locale: null)!;

        Assert.False(store.TryKeepUploads(second, [Upload("b", 10)]));
        Assert.Null(store.FindUpload(second.Id, "b"));

        // The first conversation goes idle, and its photo with it.
        _time.Advance(TimeSpan.FromMinutes(31));
        store.Create(Parent, locale: null);
        Assert.Null(store.FindUpload(first.Id, "a"));
        Assert.True(store.TryKeepUploads(second, [Upload("b", 10)]));
    }

    private static StoredUpload Upload(string id, int bytes) => new(id, "image/jpeg", new byte[bytes]);
}
