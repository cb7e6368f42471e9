using WWPS.PolicyBot.Cognitive.Drafts;
using WWPS.PolicyBot.Dialogs.PolicyBot;

namespace WWPS.PolicyBot.Tests.Dialogs;

public sealed class PostDetectorTests
{
    [Theory]
    // Questions, however they are typed.
    [InlineData("can I friend a parent on facebook?", false)]
    [InlineData("cn i add parnts on fb", false)]
    [InlineData("shld my fb be private", false)]
    [InlineData("What do I do if I see a nasty comment about staff on facebook?", false)]
    [InlineData("Is it ok to share the summer fair poster on my own page?", false)]
    [InlineData("i want to know if i can put photos of my own child on instagram", false)]
    [InlineData("friend request from a parent", false)]
    [InlineData("i saw a parent post a photo of my child online what should i do", false)]
    [InlineData("privacy settings", false)]
    // Posts: announcing, thanking, tagging, speaking as "we" or to "you", offering contact details.
    [InlineData("Had the best time at the WWPS summer fair today! Thank you to everyone who came 🎉 #community", true)]
    [InlineData("Thank you to all the staff for a wonderful year!", true)]
    [InlineData("Text me on 07700 900300 about Leo's nappy rash", true)]
    [InlineData("Can't believe the state of the preschool, staff are clueless #shambles", true)]
    [InlineData("So proud of my little one today ❤️", true)]
    [InlineData("Who's coming to the summer fair on Saturday? 🎉 #wwps", true)]
    [InlineData("Our fun run raised £500 for the preschool. Well done everyone", true)]
    public void TellsPostsFromQuestions(string text, bool isPost) =>
        Assert.Equal(isPost, PostDetector.LooksLikePost(text, []));

    [Theory]
    [InlineData("image/jpeg", null, true)]
    [InlineData("video/mp4", null, true)]
    [InlineData(null, "IMG_0042.HEIC", true)]
    [InlineData("application/pdf", "rota.pdf", false)]
    [InlineData("text/html", null, false)]
    public void APhotoOrVideoMakesAnyMessageAPost(string? contentType, string? name, bool isPost) =>
        Assert.Equal(isPost, PostDetector.LooksLikePost("can I post this one?", [new DraftAttachment(contentType, name)]));

    [Fact]
    public void AnEmptyMessageWithoutAPhotoIsNotAPost() => Assert.False(PostDetector.LooksLikePost("  ", []));

    [Theory]
    [InlineData("check my post: Lovely day at the fair", "Lovely day at the fair")]
    [InlineData("is this ok to post? Lovely day at the fair", "Lovely day at the fair")]
    [InlineData("Check this -\nLovely day", "Lovely day")]
    [InlineData("check my post", null)]
    [InlineData("check again", null)]
    [InlineData("checking in about the fees", null)]
    public void FindsADraftAfterACheckCommand(string text, string? draft) =>
        Assert.Equal(draft, Commands.DraftAfterCheck(text));
}
