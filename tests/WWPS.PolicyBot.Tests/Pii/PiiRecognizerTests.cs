using WWPS.PolicyBot.Cognitive.Analysis;
using WWPS.PolicyBot.Cognitive.Pii;

namespace WWPS.PolicyBot.Tests.Pii;

public sealed class PiiRecognizerTests
{
    private static readonly LocalPiiAnalyzer Analyzer = new();

    private static PiiEntity Single(string text, string category)
    {
        var found = Analyzer.Recognize(text).Where(e => e.Category == category).ToList();
        Assert.True(found.Count == 1, $"expected one {category} in '{text}', got [{Describe(Analyzer.Recognize(text))}]");
        return found[0];
    }

    internal static string Describe(IEnumerable<PiiEntity> entities) =>
        string.Join("; ", entities.Select(e => $"{e.Category}{(e.Subcategory is null ? "" : "/" + e.Subcategory)} '{e.Text}' @{e.Start} {e.Score}"));

    private static void AssertSpan(string text, string category, string expected)
    {
        var entity = Single(text, category);
        Assert.Equal(expected, entity.Text);
        Assert.Equal(text.IndexOf(expected, StringComparison.Ordinal), entity.Start);
        Assert.Equal(expected.Length, entity.Length);
        Assert.Equal(expected, text.Substring(entity.Start, entity.Length));
    }

    [Theory]
    [InlineData("Text me on 07700 900300 about it", "07700 900300")]
    [InlineData("ring 07700900300 after six", "07700900300")]
    [InlineData("My number is +44 7700 900300", "+44 7700 900300")]
    [InlineData("Call the office on (01494) 438996 please", "(01494) 438996")]
    [InlineData("Call 01494-438-996 now", "01494-438-996")]
    [InlineData("From abroad dial 0044 1494 438996", "0044 1494 438996")]
    [InlineData("landline 020 7946 0018 any time", "020 7946 0018")]
    public void FindsUkPhoneNumbersInAnyWrittenForm(string text, string number) => AssertSpan(text, PiiCategories.PhoneNumber, number);

    [Theory]
    [InlineData("We raised £1250 at the fair")]
    [InlineData("Session runs 9.15-11.45 on 12/03/2024")]
    [InlineData("Room 12, 3 tables and 44 chairs")]
    [InlineData("Order ref 12345")]
    public void IgnoresNumbersThatAreNotPhones(string text) =>
        Assert.DoesNotContain(Analyzer.Recognize(text), e => e.Category == PiiCategories.PhoneNumber);

    [Theory]
    [InlineData("My email is jo.b@yahoo.com - message me", "jo.b@yahoo.com")]
    [InlineData("write to Sam.Smith+pre@example.co.uk.", "Sam.Smith+pre@example.co.uk")]
    [InlineData("(contact: wwpspg@gmail.com)", "wwpspg@gmail.com")]
    public void FindsEmails(string text, string email) => AssertSpan(text, PiiCategories.Email, email);

    [Theory]
    [InlineData("see photo@2x.png attached")]
    [InlineData("meet @ 3pm at the hall")]
    [InlineData("jo@localhost is not a real address")]
    [InlineData("jo..b@yahoo.com")]
    public void RejectsThingsThatOnlyLookLikeEmails(string text) =>
        Assert.DoesNotContain(Analyzer.Recognize(text), e => e.Category == PiiCategories.Email);

    [Theory]
    [InlineData("Lily, HP11 1AB, started today", "HP11 1AB")]
    [InlineData("We are at SW1A 1AA", "SW1A 1AA")]
    [InlineData("sent to M1 1AE yesterday", "M1 1AE")]
    [InlineData("my postcode is hp11 1ab", "hp11 1ab")]
    [InlineData("we live in hp14 3ax now", "hp14 3ax")]
    public void FindsPostcodes(string text, string postcode)
    {
        var entity = Single(text, PiiCategories.Address);
        Assert.Equal(postcode, entity.Text);
        Assert.Equal(PiiCategories.Postcode, entity.Subcategory);
    }

    [Theory]
    [InlineData("the code was ab12 3cd for the lock")]
    [InlineData("Model QX1 2ZZ toaster")]
    public void LoosePostcodeShapeWithoutContextIsNotFlagged(string text) =>
        Assert.DoesNotContain(Analyzer.Recognize(text), e => e.Category == PiiCategories.Address);

    [Theory]
    [InlineData("He lives at 12 Marlow Road now", "12 Marlow Road")]
    [InlineData("Moved to Flat 3, 5 High Street last week", "Flat 3, 5 High Street")]
    [InlineData("Lily (3) from Marlow Road started today", "Marlow Road")]
    [InlineData("Party at 7 Church Lane on Sunday", "7 Church Lane")]
    [InlineData("they live on Cressex Close", "Cressex Close")]
    [InlineData("post it to 14B Kingsmead Crescent", "14B Kingsmead Crescent")]
    [InlineData("she lives on Castle Hill now", "Castle Hill")]
    [InlineData("Drop the bag at 14 Chapel Lane", "14 Chapel Lane")]
    [InlineData("Does anyone know the family who've just moved into the Old Forge on Church Lane?", "Church Lane")]
    [InlineData("Isn't that the manager's house with the ridiculous extension on Chapel Lane?", "Chapel Lane")]
    [InlineData("her house on Chapel Lane was broken into", "Chapel Lane")]
    [InlineData("I'll drop it round to yours on Castle Street after work", "Castle Street")]
    [InlineData("my address is Kingsmead Crescent if you need it", "Kingsmead Crescent")]
    [InlineData("one of our families lost their home in the fire on Chapel Lane last night", "Chapel Lane")]
    [InlineData("1st prize to Janet Moore of Daws Hill Lane!", "Daws Hill Lane")]
    [InlineData("the family from Hammersley Lane have a new baby", "Hammersley Lane")]
    [InlineData("she lives on George Street", "George Street")]
    public void FindsStreetAddresses(string text, string address) => AssertSpan(text, PiiCategories.Address, address);

    [Theory]
    [InlineData("Send the form to Kingsmead Crescent, Downley, HP13 5TU", "Kingsmead Crescent")]
    [InlineData("Lily, Marlow Road, HP11 1AB, started today", "Marlow Road")]
    public void StreetBeforeAFullPostcodeIsAnAddress(string text, string street)
    {
        var found = Analyzer.Recognize(text);
        Assert.True(found.Any(e => e.Category == PiiCategories.Address && e.Text == street), $"'{street}' not found in [{Describe(found)}]");
    }

    // A street alone is where fairs, road closures, shops and lost cats are; only a house number, a postcode, a
    // person or a word about living there makes it someone's home.
    [Theory]
    [InlineData("The fair is on Church Lane this Saturday")]
    [InlineData("Road closure on High Street from 10am")]
    [InlineData("Road closure reminder: the High Street will be closed. Diversion via Chorley Road and the A4010")]
    [InlineData("The road is closed on Totteridge Lane")]
    [InlineData("Traffic on Desborough Road again")]
    [InlineData("Traffic moving slowly on Desborough Road")]
    [InlineData("Please don't park on the verges along Bradenham Road")]
    [InlineData("Doors open at 10 at St Mary's church hall, Bradenham Road")]
    [InlineData("Car wash at the Total garage on West Wycombe Road, \u00A35 a car")]
    [InlineData("Carol singing at the care home on Church Lane")]
    [InlineData("Live music on the High Street all afternoon")]
    [InlineData("Address: St Paul's Church Hall, Church Road")]
    [InlineData("We want to walk up for the Christmas Fayre from Chorley Road")]
    [InlineData("Selling my old polos, \u00A32 each. Collection from Totteridge Lane.")]
    [InlineData("Got a flat tyre on Marlow Road this morning")]
    [InlineData("Lost cat, last seen near the preschool on Church Lane")]
    [InlineData("Third parcel delivered to a house in Downley that isn't ours. Anyone on Moor Lane got a box?")]
    [InlineData("We're just off the High Street in West Wycombe, HP14")]
    // The writer's own street in passing is theirs to share; the drafts corpus marks these not personal data.
    [InlineData("the streetlight outside our house on Chorley Road has been out since August")]
    [InlineData("We're new here (moved to Church Lane last month) and would love to meet people")]
    [InlineData("I walk her home along Chorley Road")]
    public void BareStreetsAreNotHomeAddresses(string text)
    {
        var found = Analyzer.Recognize(text);
        Assert.False(found.Any(e => e.Category == PiiCategories.Address), $"'{text}' flagged [{Describe(found)}]");
    }

    [Theory]
    [InlineData("Thanks Dr Patel for the talk")]
    [InlineData("Trip to St Albans on Friday")]
    [InlineData("Picnic in the Rye Park is cancelled")]
    [InlineData("Come to our Easter egg hunt at West Wycombe Preschool on Saturday")]
    [InlineData("Picnic at Hughenden Park on Sunday")]
    [InlineData("A bracing walk on West Wycombe Hill")]
    public void DoesNotMistakeOtherCapitalisedPhrasesForAddresses(string text) =>
        Assert.DoesNotContain(Analyzer.Recognize(text), e => e.Category == PiiCategories.Address);

    [Theory]
    [InlineData("NHS number 943 476 5919 for the form", "943 476 5919")]
    [InlineData("his number is 9434765919", "9434765919")]
    [InlineData("ref 401-023-2137", "401-023-2137")]
    public void FindsValidNhsNumbers(string text, string number) => AssertSpan(text, PiiCategories.NhsNumber, number);

    [Theory]
    [InlineData("NHS number 943 476 5918 for the form")]
    [InlineData("NHS 000 000 0000")]
    [InlineData("NHS 943 476 59190")]
    public void RejectsNhsNumbersFailingTheCheck(string text) =>
        Assert.DoesNotContain(Analyzer.Recognize(text), e => e.Category == PiiCategories.NhsNumber);

    [Theory]
    [InlineData("943 476 5919", true)]
    [InlineData("943 476 5918", false)]
    [InlineData("401 023 2137", true)]
    [InlineData("1111111111", false)]
    public void NhsModulus11(string number, bool valid) => Assert.Equal(valid, NhsNumberRecognizer.IsValid(number));

    [Theory]
    [InlineData("my NI number is AB 12 34 56 C", "AB 12 34 56 C")]
    [InlineData("national insurance: JG103759A", "JG103759A")]
    [InlineData("nino ce123456d", "ce123456d")]
    public void FindsNationalInsuranceNumbers(string text, string nino) => AssertSpan(text, PiiCategories.NationalInsuranceNumber, nino);

    // A prefix HMRC never issues is still what someone copied off a form ("QQ 12 34 56 C" is HMRC's own example), so it
    // is flagged when set out in pairs or named as an NI number.
    [Theory]
    [InlineData("NI number DA 12 34 56 C", "DA 12 34 56 C")]
    [InlineData("Payroll needs her details: QQ 48 21 07 B, starts Monday", "QQ 48 21 07 B")]
    [InlineData("NI number ZZ123456A", "ZZ123456A")]
    public void FindsNinoShapedNumbersWithPrefixesNeverIssued(string text, string nino) => AssertSpan(text, PiiCategories.NationalInsuranceNumber, nino);

    [Theory]
    [InlineData("Order ref ZZ123456A has shipped")]
    [InlineData("NI number AB 12 34 56 E")]
    public void RejectsWhatIsNotANino(string text) =>
        Assert.DoesNotContain(Analyzer.Recognize(text), e => e.Category == PiiCategories.NationalInsuranceNumber);

    [Theory]
    [InlineData("Parents feel free to drop me a message on insta @kayla.earlyyears x", "@kayla.earlyyears")]
    [InlineData("hmu on snap (jadeybabes_x) if u need me", "jadeybabes_x")]
    [InlineData("@samira_h I've sent the photos to your email", "@samira_h")]
    [InlineData("my tiktok is mia_bakes22, follow for more", "mia_bakes22")]
    public void FindsSocialHandlesOfferedAsAContact(string text, string handle) => AssertSpan(text, PiiCategories.SocialHandle, handle);

    [Theory]
    [InlineData("Huge thanks to @DownleyDental for the toothbrushes!")]
    [InlineData("Instagram is live! Follow @westwycombepreschool for event news")]
    [InlineData("I'm usually on snap (evenings) but never about work")]
    [InlineData("Email the office at office@example.org")]
    public void LeavesMentionsAndPlainWordsAlone(string text) =>
        Assert.DoesNotContain(Analyzer.Recognize(text), e => e.Category == PiiCategories.SocialHandle);

    [Theory]
    [InlineData("Freddie (4) loved the slide", PiiCategories.Age, "4")]
    [InlineData("my daughter, aged 3, loves it", PiiCategories.Age, "aged 3")]
    [InlineData("he is 3 years old", PiiCategories.Age, "3 years old")]
    [InlineData("our little one is three years old", PiiCategories.Age, "three years old")]
    [InlineData("a 2-year-old was crying", PiiCategories.Age, "2-year-old")]
    [InlineData("Leo turns 4 on Friday", PiiCategories.Age, "turns 4")]
    [InlineData("She was born 12/03/2021 in Wycombe", PiiCategories.DateOfBirth, "12/03/2021")]
    [InlineData("DOB 12 March 2021", PiiCategories.DateOfBirth, "12 March 2021")]
    [InlineData("date of birth: 1st June 2022", PiiCategories.DateOfBirth, "1st June 2022")]
    [InlineData("born on March 3, 2020", PiiCategories.DateOfBirth, "March 3, 2020")]
    public void FindsAgesAndDatesOfBirth(string text, string category, string expected) => AssertSpan(text, category, expected);

    [Theory]
    [InlineData("Step (2) is to wash hands")]
    [InlineData("Term starts on 12/03/2024")]
    [InlineData("The fair is on 12 March 2024")]
    [InlineData("Open 3 days a week")]
    public void DoesNotFlagOrdinaryNumbersAndDates(string text) =>
        Assert.DoesNotContain(Analyzer.Recognize(text), e => e.Category is PiiCategories.Age or PiiCategories.DateOfBirth);

    [Theory]
    [InlineData("Jayden was off again today", "Jayden")]
    [InlineData("Poor George has been really struggling", "George")]
    [InlineData("Had so much fun with Sophie Turner in the sandpit", "Sophie Turner")]
    [InlineData("Text me about Leo's nappy rash", "Leo")]
    [InlineData("Big shout out to Isla for sharing", "Isla")]
    [InlineData("Muhammad and his sister", "Muhammad")]
    [InlineData("Thanks Mrs Okonkwo for the lovely card", "Okonkwo")]
    [InlineData("little May had a great day", "May")]
    [InlineData("Will's mum says hi", "Will")]
    [InlineData("Grace Hartley was brilliant", "Grace Hartley")]
    [InlineData("our freddie loves the sandpit", "freddie")]
    [InlineData("tell little jayden well done", "jayden")]
    [InlineData("Happy birthday Amelia!", "Amelia")]
    [InlineData("\"Freya\" said it first", "Freya")]
    public void FindsPeoplesNames(string text, string name) => AssertSpan(text, PiiCategories.Person, name);

    [Theory]
    [InlineData("Will you come to the fair?")]
    [InlineData("May half term starts soon")]
    [InlineData("Reading is fun")]
    [InlineData("Come to our Easter egg hunt at West Wycombe Preschool on Saturday")]
    [InlineData("Monday, Tuesday and Friday sessions in June and August")]
    [InlineData("Hope you all have a lovely weekend")]
    [InlineData("Grace before lunch is a nice habit")]
    [InlineData("Bill for the trip is due")]
    [InlineData("Sunny day at the park")]
    [InlineData("Rose petals everywhere")]
    [InlineData("Mark your calendars")]
    [InlineData("Happy Birthday to the preschool!")]
    [InlineData("Beautiful sunset over the lake tonight.")]
    [InlineData("Thanks to all the families who donated")]
    [InlineData("Christmas Fair in December")]
    [InlineData("Trip to Marlow and Reading next week")]
    [InlineData("Chester Zoo trip was amazing")]
    public void IgnoresOrdinaryWordsThatAreAlsoNames(string text)
    {
        var found = Analyzer.Recognize(text);
        Assert.True(found.Count == 0, $"'{text}' flagged [{Describe(found)}]");
    }

    [Theory]
    [InlineData("Mrs Green's son has started in the baby room", "Green")]
    [InlineData("Thanks Mr Okafor for fixing the gate", "Okafor")]
    [InlineData("Dr Shah said he can come back on Monday", "Shah")]
    [InlineData("Miss Patel is the best keyworker", "Patel")]
    [InlineData("Mr and Mrs Khan said thank you", "Khan")]
    [InlineData("Mr Hall built the mud kitchen", "Hall")]
    [InlineData("Sending love to the Johnson family tonight", "Johnson family")]
    [InlineData("The Turner family have asked to pay in instalments", "Turner family")]
    [InlineData("Gutted the Wilsons pulled out again", "Wilsons")]
    [InlineData("Still waiting on the Hendersons' money", "Hendersons")]
    [InlineData("Anyone but the Joneses, obviously", "Joneses")]
    [InlineData("Saw the little Kowalski boy at the gate", "Kowalski boy")]
    [InlineData("Second prize went to the Wilkinson twins", "Wilkinson twins")]
    [InlineData("the Okafor boys' funded hours were cut", "Okafor boys")]
    public void FindsTitledPeopleAndFamiliesBySurname(string text, string name) => AssertSpan(text, PiiCategories.Person, name);

    [Theory]
    [InlineData("Thanks to Lily Green for the cakes", "Lily Green")]
    [InlineData("Jess Marsh was so helpful", "Jess Marsh")]
    [InlineData("Sophie Park came round for tea", "Sophie Park")]
    [InlineData("Happy birthday to Stanley!", "Stanley")]
    [InlineData("Lunch at the Red Lion with Mia", "Mia")]
    [InlineData("Bluebell walk at Keep Hill Wood with Oscar", "Oscar")]
    [InlineData("Picnic on Wycombe Rye with Archie", "Archie")]
    [InlineData("Jude and the twins came for tea", "Jude")]
    [InlineData("Sponsor money from Teddy R still outstanding", "Teddy R")]
    [InlineData("Please welcome Grace, our new practitioner", "Grace")]
    [InlineData("Mila went down the big slide on her own", "Mila")]
    [InlineData("Can't believe Chantelle Moss said that at the gate", "Chantelle Moss")]
    public void FindsNamesBesidePlaceWords(string text, string name) => AssertSpan(text, PiiCategories.Person, name);

    [Theory]
    [InlineData("Christmas Fayre at St Paul's church hall on Saturday")]
    [InlineData("summer fair tmrw at st mary's church hall 12-4")]
    [InlineData("Service at St Lawrence's on the hill, then St Mary and St George")]
    [InlineData("Duck race on Wycombe Rye this Sunday")]
    [InlineData("Bluebell walk at Keep Hill Wood")]
    [InlineData("Teddy Bears' Picnic is back on the field")]
    [InlineData("The road is closed on Totteridge Lane")]
    [InlineData("Meet at Hughenden Park by the cafe")]
    [InlineData("Traffic on Desborough Road again")]
    [InlineData("Lovely to see people from Downley, Booker and Lane End")]
    [InlineData("Trip to High Wycombe and Princes Risborough")]
    [InlineData("Lane End village hall is booked for the disco")]
    [InlineData("Thank you to Penn & Tylers Green Rotary")]
    [InlineData("Bluebell walk at Penn Wood today")]
    [InlineData("first time at adams park today for the wycombe game")]
    [InlineData("Followed by lunch at the Belle Vue")]
    [InlineData("A hamper donated by the Red Lion in Bradenham")]
    [InlineData("Drinks at the Chequers in Fingest")]
    [InlineData("We were in the Bucks Free Press this week")]
    [InlineData("Furious with Royal Mail again")]
    [InlineData("Wycombe Wanderers won on Saturday")]
    [InlineData("A walk through the Chilterns")]
    [InlineData("The Butterflies room has had a new coat of paint")]
    [InlineData("Early Years Practitioner wanted (fixed-term, Jan\u2013Dec)")]
    [InlineData("Informal visits welcome - ring Wycombe 438996")]
    public void IgnoresPlacesThatLookLikeNames(string text)
    {
        var found = Analyzer.Recognize(text);
        Assert.False(found.Any(e => e.Category == PiiCategories.Person), $"'{text}' flagged [{Describe(found)}]");
    }

    [Theory]
    [InlineData("Thank you to Councillor Ahmed for visiting")]
    [InlineData("She practises after school at Sir William Ramsay")]
    [InlineData("I know every word of the Gruffalo by Julia Donaldson")]
    [InlineData("julia donaldson if ur reading this ur a legend")]
    [InlineData("Father Christmas is coming to the grotto")]
    [InlineData("Peppa Pig plates for the party")]
    [InlineData("I cried at a John Lewis advert")]
    [InlineData("A complete set of Agatha Christie on the book stall")]
    [InlineData("The nativity ended with baby Jesus in the manger")]
    [InlineData("St John Ambulance first aid course on Monday")]
    [InlineData("Our much loved tortoise Sheldon passed away")]
    [InlineData("Best in Show went to a basset hound called Winston")]
    [InlineData("I shall be bringing my own bear, Mr Bumble")]
    public void IgnoresPublicFiguresAuthorsCharactersAndPets(string text)
    {
        var found = Analyzer.Recognize(text);
        Assert.False(found.Any(e => e.Category == PiiCategories.Person), $"'{text}' flagged [{Describe(found)}]");
    }

    [Theory]
    [InlineData("We moved from Lane End last year", 3, 2)]
    [InlineData("Tea at Walter\u2019s Ash", 2, 2)]
    [InlineData("Penn's village fete", 0, 1)]
    [InlineData("Penny came too", 0, 0)]
    [InlineData("West Wycombe Park and West Wycombe", 0, 3)]
    public void PlaceListMatchesWholeWordsInAnyCase(string text, int token, int length) =>
        Assert.Equal(length, NameGazetteer.Default.MatchPlace(new AnalysisInput(text), token));

    [Theory]
    [InlineData("Freddie (4) loved the slide", "Freddie")]
    [InlineData("Had the best afternoon with little Oliver", "Oliver")]
    [InlineData("Olivia's mum picked her up", "Olivia")]
    [InlineData("our Harry loves it", "Harry")]
    [InlineData("baby Amelia is here", "Amelia")]
    [InlineData("Sophie Turner in the sandpit at preschool today", "Sophie Turner")]
    [InlineData("Isla turns 4 on Friday", "Isla")]
    public void MarksChildrenAsChild(string text, string name)
    {
        var entity = Single(text, PiiCategories.Person);
        Assert.Equal(name, entity.Text);
        Assert.Equal(PiiCategories.Child, entity.Subcategory);
    }

    [Theory]
    [InlineData("Thanks Mrs Patel for everything")]
    [InlineData("Poor George has been really struggling")]
    [InlineData("my husband Mark fixed the gate")]
    public void LeavesAdultsAndUnknownsWithoutSubcategory(string text) =>
        Assert.Null(Single(text, PiiCategories.Person).Subcategory);

    public static TheoryData<string, string, string> Prefixes => new()
    {
        { "😀 ", PiiCategories.Person, "Jayden" },
        { "👨‍👩‍👧 hello ", PiiCategories.Person, "Jayden" },
        { "\u200B\u200D", PiiCategories.Person, "Jayden" },
        { "\u200F\u05E9\u05DC\u05D5\u05DD ", PiiCategories.Person, "Jayden" },
        { "😀", PiiCategories.PhoneNumber, "07700 900300" },
        { "\u200D", PiiCategories.Email, "jo.b@yahoo.com" },
        { "🎉🎉 ", PiiCategories.Address, "HP11 1AB" },
        { "\u202Bمرحبا\u202C ", PiiCategories.NhsNumber, "943 476 5919" },
        { "🧒🏽 ", PiiCategories.Age, "aged 3" },
    };

    [Theory]
    [MemberData(nameof(Prefixes))]
    public void OffsetsAreUtf16IndicesIntoTheOriginalString(string prefix, string category, string entity)
    {
        string text = prefix + entity + " x";
        var found = Single(text, category);
        Assert.Equal(prefix.Length, found.Start);
        Assert.Equal(entity.Length, found.Length);
        Assert.Equal(entity, text.Substring(found.Start, found.Length));
    }

    [Fact]
    public void OverlapsKeepTheBestThenLongest()
    {
        var found = Analyzer.Recognize("Lily (3) from Marlow Road, HP11 1AB, started preschool today");
        Assert.Equal(
            ["Person 'Lily'", "Age '3'", "Address 'Marlow Road'", "Address 'HP11 1AB'"],
            found.Select(e => $"{e.Category} '{e.Text}'"));
        Assert.Equal(PiiCategories.Child, found[0].Subcategory);
    }

    [Fact]
    public void StreetNamedAfterAPersonIsAnAddressNotAName()
    {
        var found = Analyzer.Recognize("We moved to 4 George Street");
        Assert.Equal(["Address '4 George Street'"], found.Select(e => $"{e.Category} '{e.Text}'"));
    }

    [Fact]
    public void EmptyTextHasNothing() => Assert.Empty(Analyzer.Recognize(""));
}
