using WWPS.PolicyBot.Tests.Testing;
using WWPS.PolicyBot.Cognitive;
using WWPS.PolicyBot.Cognitive.Drafts;
using WWPS.PolicyBot.Cognitive.Pii;

namespace WWPS.PolicyBot.Tests.Drafts;

public sealed class DraftReviewerTests
{
    private static readonly DraftReviewer Reviewer =
        TestCognitive.Create(new CognitiveSettings(null, 0.23, null, null)).Reviewer;

    private static Task<DraftReview> CheckAsync(string text, params DraftAttachment[] attachments) =>
        Reviewer.ReviewAsync(new DraftInput(text, attachments), CancellationToken.None);

    [Theory]
    [InlineData("Come to our Easter egg hunt at West Wycombe Preschool on Saturday, all money raised goes to new books!")]
    [InlineData("Thanks to all the families who donated to the food bank collection at preschool this week!")]
    [InlineData("Beautiful sunset over the lake tonight.")]
    public async Task PositivePostsAboutThePreschoolAreFine(string text)
    {
        var review = await CheckAsync(text);

        Assert.True(review.Allowed, string.Join("; ", review.Findings.Select(f => f.Kind + ": " + f.Span?.Text)));
        Assert.Equal(DraftVerdicts.Ok, review.Verdict);
        Assert.Empty(review.Findings);
        Assert.Equal(text, review.Redacted);
    }

    // Most posts with an age in them are fine (lost property, spaces for two-year-olds): the age is still reported and
    // redacted, but only the model's reading of the post can stop it.
    [Theory]
    [InlineData("Lost property! A navy fleece (age 3-4) and one pink wellington have been left in the cloakroom. Please ask at the door.")]
    [InlineData("We have spaces for 2 year olds from September, come and look round!")]
    public async Task AnAgeAloneDoesNotStopAFinePost(string text)
    {
        var review = await CheckAsync(text);

        Assert.True(review.Allowed, string.Join("; ", review.Findings.Select(f => f.Kind + ": " + f.Span?.Text)));
        Assert.Equal(PiiCategories.Age, Assert.Single(review.Pii).Category);
        Assert.Contains("[AGE]", review.Redacted, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Questions? Call 01494 438996")]
    [InlineData("Questions? Call 01494438996")]
    [InlineData("Questions? Call +44 1494 438996")]
    [InlineData("Questions? Call (01494) 438996 or email WWPSPG@gmail.com")]
    public async Task ThePreschoolsOwnContactsAreFineInAnyForm(string text)
    {
        var review = await CheckAsync(text);

        Assert.Empty(review.Pii);
        Assert.True(review.Allowed);
    }

    [Theory]
    [InlineData("This preschool is run by clowns. Total shambles from top to bottom.", "clowns")]
    [InlineData("The manager at our preschool is lazy and rude to parents.", "lazy")]
    [InlineData("If only parents knew what goes on in there...", "If only parents knew")]
    [InlineData("Not saying anything, but ask yourself why three staff have left WWPS this year", "Not saying anything")]
    public async Task CriticismAndInsinuationCiteTheDefamationClause(string text, string spanText)
    {
        var review = await CheckAsync(text);

        Assert.Equal(DraftVerdicts.DoNotPost, review.Verdict);
        var finding = Assert.Single(review.Findings, f => f.Kind == "criticism");
        Assert.Equal("methods-4", finding.Clause);
        Assert.Contains("defamatory manner", finding.ClauseText, StringComparison.Ordinal);
        Assert.Equal(spanText, finding.Span!.Text);
        Assert.Equal(spanText, text.Substring(finding.Span.Start, finding.Span.Length));
    }

    [Fact]
    public async Task APrivateNumberOfferedForAChildsWelfareCitesTheContactClause()
    {
        const string text = "Text me on 07700 900300 about Leo's nappy rash, easier than ringing the office";
        var review = await CheckAsync(text);

        Assert.False(review.Allowed);
        Assert.Contains(review.Findings, f => f.Clause == "methods-8" && f.Span?.Text == "07700 900300");
        Assert.Contains(review.Pii, p => p.Text == "Leo");
        Assert.Equal("Text me on [PHONE] about [CHILD]'s nappy rash, easier than ringing the office", review.Redacted);
    }

    [Fact]
    public async Task AnAttachedPhotoOfChildrenCitesThePhotosClause()
    {
        var review = await CheckAsync("Photos from the teddy bears' picnic - the children had a ball!", new DraftAttachment("image/png", "picnic.png"));

        Assert.False(review.Allowed);
        Assert.Contains(review.Findings, f => f.Kind == "photo" && f.Clause == "methods-3");
    }

    [Fact]
    public async Task APhotoOfASunsetIsFine()
    {
        var review = await CheckAsync("Sunset over the lake tonight", new DraftAttachment("image/jpeg", "lake.jpg"));
        Assert.True(review.Allowed);
    }

    [Theory]
    [InlineData("Sharing the video of the children's harvest song - turn the sound up!")]
    [InlineData("here's a cute pic of the kids in their costumes")]
    public async Task PhotosDescribedInWordsAreFound(string text)
    {
        var review = await CheckAsync(text);
        Assert.Contains(review.Findings, f => f.Kind == "photo" && f.Clause == "methods-3");
    }

    [Fact]
    public async Task ANameAloneIsRedactedAndTheVerdictIsRevise()
    {
        const string text = "Had so much fun with Sophie Turner in the sandpit at preschool today";
        var review = await CheckAsync(text);

        Assert.Equal(DraftVerdicts.Revise, review.Verdict);
        Assert.Equal("Had so much fun with [CHILD] in the sandpit at preschool today", review.Redacted);

        // What to change, not the redacted text again.
        Assert.Contains("Take out the child's name", review.Suggestion, StringComparison.Ordinal);
        Assert.DoesNotContain(review.Redacted, review.Suggestion, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PersonalMattersAboutAChildMustNotBePosted()
    {
        var review = await CheckAsync("Poor George has been really struggling since his parents split up");

        Assert.Equal(DraftVerdicts.DoNotPost, review.Verdict);
        Assert.Contains(review.Findings, f => f.Kind == "confidential" && f.Clause == "methods-1");
        Assert.Contains("Leave out the personal matter", review.Suggestion, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("👩‍👧 Poor George has been really struggling")]
    [InlineData("\u200f\u200eמזל טוב! Poor George has been really struggling")]
    [InlineData("\u200b\u200bPoor George has been really struggling")]
    public async Task OddUnicodeNeverShiftsSpans(string text)
    {
        var review = await CheckAsync(text);

        foreach (var finding in review.Findings.Where(f => f.Span is not null))
        {
            Assert.Equal(finding.Span!.Text, text.Substring(finding.Span.Start, finding.Span.Length));
        }

        var george = Assert.Single(review.Pii);
        Assert.Equal("George", text.Substring(george.Start, george.Length));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n ")]
    public void EmptyDraftsGetAClearMessage(string text) =>
        Assert.Contains("nothing to check", DraftReviewer.Validate(text), StringComparison.Ordinal);

    [Fact]
    public async Task LongDraftsUpToTheLimitAreCheckedToTheEnd()
    {
        const string Ending = " Thanks to little Jayden for the sandcastle.";
        var text = string.Concat(Enumerable.Repeat("Lovely day at the beach with the family. ", 500))[..(DraftReviewer.MaxLength - Ending.Length)] + Ending;
        Assert.Null(DraftReviewer.Validate(text));

        var review = await CheckAsync(text);

        Assert.False(review.Allowed);
        Assert.Equal("Jayden", Assert.Single(review.Pii).Text);
        Assert.EndsWith("Thanks to little [CHILD] for the sandcastle.", review.Redacted, StringComparison.Ordinal);
    }

    [Fact]
    public void DraftsOverTheLimitGetAClearError()
    {
        var message = DraftReviewer.Validate(new string('a', DraftReviewer.MaxLength + 1));
        Assert.Contains("20,000", message, StringComparison.Ordinal);
    }
}
