using System.Collections.Frozen;
using System.Globalization;

namespace WWPS.PolicyBot.Cognitive.Pii;

/// <summary>
/// People's names without NER: a first-name gazetteer, capitalisation, a following surname, and cue phrases
/// ("little X", "X's mum", "Mrs X", "X (4)", "the X family", "the Xs"). A child's first name on its own is the case
/// that matters most. Places that look like names are told apart by their own cues ("St X", "X Wood", "at X",
/// "the X ..."), and by a list of places near the preschool.
/// </summary>
internal sealed class PersonNameRecognizer(NameGazetteer gazetteer) : IPiiRecognizer
{
    // A capitalised gazetteer name mid-sentence is strong evidence on its own (0.6). At the start of a sentence
    // capitals prove nothing, so it is a little lower; both clear the 0.4 threshold because the list only holds
    // names and the ambiguous ones are flagged. Ambiguous names and lower-case names start below the threshold
    // and pass only with a cue (+0.35), as Presidio's context enhancer would have them.
    private const double MidSentenceScore = 0.6;
    private const double SentenceStartScore = 0.5;
    private const double AmbiguousScore = 0.15;
    private const double LowerCaseScore = 0.1;
    private const double LowerCaseClearScore = 0.45;
    private const double FullNameScore = 0.85;
    private const double AmbiguousFullNameScore = 0.7;
    private const double TitledScore = 0.85;

    private static FrozenSet<string> Set(params string[] words) => words.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenSet<string> Titles = Set("Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Master", "Mister");

    // Saints name churches and schools ("St Paul's church hall", "St John Ambulance"); the others name public
    // figures ("Councillor Ahmed", "Sir William Ramsay"), whom the policy does not protect. The words after them
    // are never a child's or a family's name.
    private static readonly FrozenSet<string> PublicTitles = Set(
        "St", "Saint", "Sir", "Dame", "Lord", "Lady", "Councillor", "Cllr", "Rev", "Revd", "Reverend", "Canon", "Bishop",
        "Archbishop", "Vicar", "Pope", "Prince", "Princess", "King", "Queen", "Father", "President", "Captain");

    // Surnames that are also place or calendar words: after a title they are a person ("Mrs Green", "Mr Hall").
    private static readonly FrozenSet<string> TitledSurnameWords = Set(
        "Green", "Hall", "Hill", "Park", "Lane", "Street", "Church", "Day", "Castle", "Court", "Grove", "Way", "Fair", "Holiday",
        "May", "Little", "Young", "Summers", "Winter");

    // The word after a surname that makes it a family or a family's children: "the Johnson family", "the Okafor boys".
    private static readonly FrozenSet<string> FamilyNouns = Set("family", "families", "household", "clan", "parents");
    private static readonly FrozenSet<string> FamilyChildNouns = Set("twins", "triplets", "boys", "girls", "boy", "girl", "children", "kids", "brothers", "sisters", "siblings");

    // Capitalised words before "family" that make a phrase, not a surname ("the Royal family", "our Preschool Family").
    private static readonly FrozenSet<string> NotFamilyNames = Set(
        "Royal", "Holy", "Modern", "Swiss", "Whole", "Extended", "Foster", "Host", "Blended", "Wider", "Big", "New", "Happy",
        "Lovely", "Our", "Your", "My", "Their", "His", "Her", "Staff", "Committee", "Preschool", "Pre-school", "Nursery",
        "Community", "Church", "Team", "Family", "Birthday");

    // Plurals that follow "the" and are not a family: regions, youth groups, teams, shows, characters, festivals,
    // and the animal and nature words preschools name their rooms after ("the Butterflies").
    private static readonly FrozenSet<string> PluralsNotFamilies = Set(
        "Chilterns", "Cotswolds", "Midlands", "Highlands", "Lakes", "Dales", "Downs", "Alps", "Pyrenees", "Hebrides", "Americas",
        "Netherlands", "Philippines", "Maldives", "Canaries", "Bahamas", "Seychelles", "Azores", "Balearics", "Brits", "Olympics",
        "Paralympics", "Oscars", "Baftas", "Proms", "Scouts", "Guides", "Brownies", "Beavers", "Cubs", "Rainbows", "Explorers",
        "Simpsons", "Smurfs", "Minions", "Avengers", "Incredibles", "Flintstones", "Teletubbies", "Tweenies", "Wombles", "Clangers",
        "Moomins", "Muppets", "Trolls", "Twits", "Borrowers", "Octonauts", "Numberblocks", "Alphablocks", "Wiggles", "Beatles",
        "Chairboys", "Blues", "Reds", "Saints", "Spurs", "Hornets", "Gunners", "Magpies", "Wanderers", "Rovers", "Royals",
        "Lions", "Lionesses", "Tigers", "Eagles", "Wolves", "Foxes", "Owls", "Cherries", "Bees", "Hatters", "Robins", "Swans",
        "Seagulls", "Hammers", "Angels", "Shepherds", "Kings", "Wise", "Elves", "Fairies", "Pirates", "Dinosaurs", "Superheroes",
        "Caterpillars", "Butterflies", "Ladybirds", "Bumblebees", "Hedgehogs", "Squirrels", "Rabbits", "Bunnies", "Ducklings",
        "Tadpoles", "Frogs", "Acorns", "Oaks", "Conkers", "Sunflowers", "Stars", "Minnows", "Dolphins", "Tots", "Twos", "Threes",
        "Fours", "Babies", "Toddlers", "Seedlings", "Saplings", "Puddles", "Penguins", "Pandas", "Koalas", "Otters", "Badgers",
        "Foxcubs", "Bears", "Giraffes", "Elephants", "Monkeys", "Parents", "Mums", "Dads", "Grandparents", "Friends", "Trustees",
        // Pubs with plural names.
        "Chequers", "Bells", "Grapes", "Feathers", "Compasses", "Horseshoes", "Maltings", "Crossways", "Beehives");

    // Words after a name that make it a place ("Hughenden Park", "Keep Hill Wood", "Lane End", "Wycombe Rye").
    private static readonly FrozenSet<string> PlaceNouns = Set(
        "Park", "Road", "Lane", "Street", "Wood", "Woods", "Rye", "Hall", "Common", "Green", "Hill", "Hills", "Way", "Close",
        "Avenue", "Farm", "Field", "Fields", "Meadow", "Meadows", "Recreation", "Village", "Methodist", "Baptist", "End", "Heath",
        "Valley", "Bottom", "Marsh", "Estate", "Manor", "Abbey", "Chapel", "Cathedral", "Crescent", "Drive", "Gardens", "Grove",
        "Terrace", "Mews", "Place", "Square", "Court", "Rise", "Row", "Walk", "Parade", "Bridge", "Wharf", "Lock", "Lake", "Brook",
        "Reservoir", "Down", "Downs", "Ridge", "Copse", "Spinney", "Forest", "Moor", "Cross", "Gate", "Corner", "Barn", "Mill",
        "Orchard", "Paddock", "Pond", "Primary", "Infants", "Juniors", "Grammar", "Church", "Rd", "St", "Ln", "Ave");

    // Of those, the ones that are also surnames: after a clear first name they make a full name ("Lily Green",
    // "Jess Marsh", "Sophie Park") unless a place cue says otherwise ("a walk at Penn Wood", "round Alexandra Park"):
    // a missed child costs more than a flagged park.
    private static readonly FrozenSet<string> SurnamePlaceNouns = Set(
        "Green", "Hall", "Hill", "Hills", "Wood", "Woods", "Lane", "Park", "Field", "Fields", "Heath", "Marsh", "Moor", "Brook", "Cross",
        "Church", "Lake", "Meadows", "Bridge", "Gate", "Ridge", "Mill");

    // Prepositions of place. "to", "from", "with" and "by" also come before people ("thanks to Lily Green"), so
    // they do not count against a clear first name.
    private static readonly FrozenSet<string> Locatives = Set(
        "at", "in", "near", "around", "round", "outside", "inside", "through", "past", "towards", "toward", "into", "opposite",
        "behind", "beside", "across", "along", "via", "within", "up", "down");

    // "St Mary's church", "Paul's chapel": a saint's possessive before a place of worship.
    private static readonly FrozenSet<string> ChurchWords = Set("church", "chapel", "cathedral", "abbey", "parish", "priory", "minster");

    // A name given to an animal, a toy or a mascot ("tortoise Sheldon", "a basset hound called Winston", "my bear, Mr Bumble").
    private static readonly FrozenSet<string> PetWords = Set(
        "dog", "dogs", "puppy", "pup", "cat", "kitten", "rabbit", "bunny", "hamster", "guinea", "gerbil", "tortoise", "fish",
        "goldfish", "pony", "horse", "hen", "hens", "chicken", "chickens", "duck", "parrot", "budgie", "snail", "lamb", "donkey",
        "bear", "hound", "terrier", "spaniel", "labrador", "retriever", "collie", "poodle", "cockapoo", "cavapoo", "dachshund",
        "pug", "beagle", "mascot", "puppet", "doll", "giraffe", "dinosaur", "unicorn", "elf");

    // Words just before a name that say it is a child ("little Leo", "our Freddie", "my son Jack").
    private static readonly FrozenSet<string> ChildCuesBefore = Set(
        "little", "lil", "our", "baby", "son", "daughter", "grandson", "granddaughter", "nephew", "niece", "toddler",
        "boy", "girl", "twins", "brother", "sister", "pupil", "child", "kid", "kiddo", "bestie", "classmate");

    // Words just before a name that say it is a person but not which kind ("my husband Mark").
    private static readonly FrozenSet<string> PersonCuesBefore = Set(
        "husband", "wife", "partner", "friend", "mate", "colleague", "neighbour", "auntie", "aunty", "aunt", "uncle",
        "cousin", "manager", "teacher", "keyworker", "dear", "hi", "hey", "thanks", "thank", "congratulations", "congrats", "love",
        "welcome");

    // "X's mum" — a child's relations, or (for the last few) a child's people at preschool.
    private static readonly FrozenSet<string> ChildRelationsAfter = Set(
        "mum", "mummy", "mom", "mommy", "mam", "dad", "daddy", "nan", "nana", "nanny", "gran", "granny", "grandma",
        "grandad", "grandpa", "parents", "parent", "family", "carer", "keyworker", "key", "childminder", "nappy", "buggy", "pushchair");

    private static readonly FrozenSet<string> AdultRelationsAfter = Set("husband", "wife", "partner", "boyfriend", "girlfriend", "boss", "colleague");

    private static readonly FrozenSet<string> AgeWordsAfter = Set("aged", "age", "turns", "turned", "turning");

    // A name that appears in a post about preschool life is taken to be a child's.
    private static readonly FrozenSet<string> PreschoolWords = Set(
        "preschool", "pre-school", "nursery", "playgroup", "keyworker", "sandpit", "nappy", "nappies", "potty", "toddler",
        "toddlers", "reception", "pushchair", "buggy", "playdate", "naptime", "storytime", "pupil", "pupils", "classmate", "classmates");

    // Capitalised words that are never the surname in "First Surname".
    private static readonly FrozenSet<string> NotSurnames = Set(
        "Road", "Street", "Lane", "Avenue", "Close", "Drive", "Way", "Crescent", "Gardens", "Grove", "Terrace", "Mews", "Place",
        "Square", "Court", "Park", "Green", "Hill", "Preschool", "Pre-school", "Nursery", "School", "Playgroup", "Academy",
        "Church", "Centre", "Center", "Hall", "Club", "Group", "Team", "Day", "Week", "Term", "Year", "Eve",
        "Zoo", "Museum", "Farm", "Library", "Station", "Hospital", "Castle", "Cathedral", "Festival", "Show", "Market", "Fair", "Half", "Fair", "Party",
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
        "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "Easter", "Christmas",
        "Mum", "Mummy", "Dad", "Daddy", "Nan", "Nana", "Grandma", "Grandad", "I", "And", "Or", "But", "The", "A", "An",
        "Mr", "Mrs", "Ms", "Miss", "Dr", "PS", "OK", "Ok", "Xx", "Xxx", "Lol", "Everyone", "Everybody", "All", "You", "We",
        "They", "He", "She", "It", "To", "For", "From", "With", "At", "In", "On", "Of", "Is", "Was", "Has", "Had", "Birthday",
        "Holiday", "Holidays", "Mon", "Tue", "Tues", "Wed", "Thu", "Thur", "Thurs", "Fri", "Sat", "Sun", "Jan", "Feb", "Mar",
        "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "Spring", "Summer", "Autumn", "Winter");

    private static readonly FrozenSet<string> CalendarWords = Set(
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
        "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "Monday", "Tuesday", "Wednesday",
        "Thursday", "Friday", "Saturday", "Sunday", "Mon", "Tue", "Tues", "Wed", "Thu", "Thur", "Thurs", "Fri", "Sat", "Sun");

    private static readonly FrozenSet<string> VerbLikeNames = Set("Will", "May", "Hope", "Mark", "Grant", "Pat", "Sue", "Bill", "Trust", "Wish");

    private static readonly FrozenSet<string> StreetSuffixes = Set(
        "Road", "Street", "Lane", "Avenue", "Close", "Drive", "Way", "Crescent", "Gardens", "Grove", "Terrace", "Mews", "Place",
        "Square", "Court", "Rise", "Row", "Walk", "Parade", "Rd", "St", "Ln", "Ave");

    // The last word of a title-case run that names an event, a shop, a club or a pub rather than a person:
    // "Summer Fair", "Grand Duck Race", "Bank Holiday", "Marlow Tesco", "Wycombe Rotary". Surnames that are also
    // such words (Hall, Park, Green, Wood, Bank) are left out so "Lily Green" stays a name.
    private static readonly FrozenSet<string> NamedThingNouns = Set(
        "Fair", "Fayre", "Fete", "F\u00EAte", "Day", "Days", "Race", "Walk", "Run", "Sale", "Party", "Show", "Market", "Festival",
        "Disco", "Ball", "Parade", "Picnic", "Concert", "Nativity", "Trail", "Hunt", "Raffle", "Tombola", "Bake", "Auction", "Quiz",
        "Night", "Week", "Weekend", "Holiday", "Holidays", "Break", "Term", "Jumper", "Bonnet", "Lunch", "Tea", "Breakfast", "Camp",
        "Carnival", "Gala", "Appeal", "Trip", "Outing", "Event", "Celebration", "Extravaganza", "Coffee", "Session", "Sessions",
        "Workshop", "Assembly", "Panto", "Pantomime", "Grotto", "Eve", "Service", "Morning", "Afternoon", "Evening", "Sponsored",
        "Tesco", "Sainsbury's", "Sainsburys", "Asda", "Aldi", "Lidl", "Waitrose", "Morrisons", "Co-op", "Boots", "Costa", "Greggs",
        "Argos", "Primark", "Library", "Leisure", "Centre", "Center", "Council", "Rotary", "Lions", "Scouts", "Guides", "Brownies",
        "Rainbows", "Cubs", "Beavers", "FC", "Football", "Rugby", "Cricket", "Surgery", "Pharmacy", "Hospital", "Academy",
        "Preschool", "Pre-school", "Nursery", "Playgroup", "School", "Club", "Farm", "Zoo", "Museum", "Station", "Bakery", "Cafe",
        "Caf\u00E9", "Arms", "Inn", "Tavern", "Hotel", "Pub", "Restaurant", "Shop", "Store", "Stores", "Garage", "Vets", "Dental",
        "Trust", "Foundation", "Charity", "Society", "Association", "Theatre", "Cinema", "Village", "Town", "United", "Rangers",
        "Community", "Team", "Group", "Choir", "Band",
        // Papers, broadcasters and public bodies: "Bucks Free Press", "Royal Mail", "Early Years Forum".
        "Press", "Mail", "Times", "News", "Gazette", "Echo", "Radio", "Sound", "Commission", "Forum", "Board", "Authority",
        "Partnership", "Network", "Alliance", "Institute", "Federation", "Union", "Agency", "Office", "Ambulance", "Aid", "Connection",
        // "Early Years Practitioner", "Early Years Foundation Stage": the sector, in every other post.
        "Years");

    // Copula phrases and verbs after a word that only a person does or is: "Summer was so brave", "Grace loved the
    // slide". Enough to make an ambiguous name ("Grace", "May", "Summer") a name.
    private static readonly FrozenSet<string> PersonVerbsAfter = Set(
        "loved", "loves", "enjoyed", "enjoys", "played", "plays", "said", "says", "told", "asked", "cried", "cries", "laughed",
        "giggled", "smiled", "painted", "drew", "wrote", "ate", "eats", "slept", "napped", "fell", "bit", "bites", "hit", "pushed",
        "kicked", "shared", "helped", "learned", "learnt", "counted", "sang", "danced", "climbed", "wants", "wanted", "misses",
        "cuddled", "hugged", "waved", "talked", "spoke", "chose", "built", "wore", "won", "tried", "refused", "managed", "thinks",
        "thought", "knows", "likes", "liked", "adores", "adored", "hates", "hated", "needs", "needed", "starts", "started", "joined",
        "joins", "settled", "toddled", "crawled", "scored", "finished", "remembered", "forgot", "lost", "found", "fed", "wet");

    private static readonly FrozenSet<string> CopulasAfter = Set("is", "was", "isn't", "wasn't", "has", "seems", "seemed", "looked", "looks", "felt", "feels", "been", "being");

    private static readonly FrozenSet<string> Intensifiers = Set("so", "very", "really", "super", "such", "a", "an", "little", "bit", "been", "feeling", "being", "extra", "quite", "too", "still", "off", "our");

    // Said of a person, and among those of a small child; "Summer was lovely" stays a season.
    private static readonly FrozenSet<string> PersonStatesAfter = Set(
        "brave", "poorly", "ill", "sick", "unwell", "upset", "shy", "clingy", "cheeky", "naughty", "tired", "grumpy", "teething",
        "chuffed", "thrilled", "proud", "star", "superstar", "sweetheart", "helper", "chatterbox", "crying", "asleep", "awake",
        "walking", "talking", "toilet", "potty", "kind", "gentle", "sensible", "hungry", "scared", "nervous", "sad", "happy", "excited");

    // After a sentence-initial name that is also a word ("Daisy chains" / "Daisy was poorly"), a verb says it is a person.
    private static readonly FrozenSet<string> SentenceVerbsAfter = Set(
        "is", "was", "isn't", "wasn't", "has", "had", "hasn't", "hadn't", "did", "didn't", "does", "doesn't", "can", "can't",
        "could", "couldn't", "will", "won't", "would", "wouldn't", "got", "gets", "went", "goes", "came", "comes", "made", "makes",
        "took", "takes", "gave", "gives", "saw", "sees", "ran", "runs", "had", "just", "always", "never", "finally", "absolutely");

    // A name right before one of these is a costume, toy or theme ("Elsa dress", "Spiderman cake"), not a person.
    private static readonly FrozenSet<string> ThingNounsAfter = Set(
        "costume", "costumes", "dress", "dresses", "outfit", "song", "songs", "film", "films", "movie", "movies", "cake", "toy", "toys",
        "doll", "dolls", "figure", "figures", "lunchbox", "sticker", "stickers", "themed", "theme", "pyjamas", "wellies", "balloon",
        "balloons", "slippers", "chains", "jumper", "books", "book", "mask", "wand", "tiara", "soundtrack", "episode", "episodes");

    // Story, film and nativity characters that are also first names; in a post about films, stories or dressing up they are characters.
    private static readonly FrozenSet<string> Characters = Set(
        "Elsa", "Anna", "Olaf", "Kristoff", "Moana", "Ariel", "Belle", "Cinderella", "Rapunzel", "Aurora", "Jasmine", "Peppa",
        "George", "Mickey", "Minnie", "Bluey", "Bingo", "Chase", "Marshall", "Skye", "Rubble", "Rocky", "Zuma", "Ryder", "Everest",
        "Woody", "Buzz", "Jessie", "Simba", "Nala", "Nemo", "Dory", "Shrek", "Fiona", "Mario", "Luigi", "Peach", "Sonic", "Elmo",
        "Paddington", "Thomas", "Percy", "Bob", "Spot", "Kipper", "Biff", "Chip", "Floppy", "Wilma", "Mary", "Joseph", "Gabriel",
        "Harry", "Hermione", "Ron", "Matilda", "Pooh", "Winnie", "Tigger", "Duggee", "Barbie", "Ken", "Stitch", "Lilo", "Maui", "Mirabel", "Bruno");

    // Characters, toys, children's authors and presenters, and shops known by a first name and a surname: none is a
    // family of the preschool. Matched in any case ("julia donaldson").
    private static readonly FrozenSet<string> FamousCharacters = Set(
        "Jack Frost", "Peter Pan", "Peter Rabbit", "Harry Potter", "Father Christmas", "Postman Pat", "Fireman Sam", "Bob Builder",
        "Mister Maker", "Mr Tumble", "Hey Duggee", "Paddington Bear", "Winnie Pooh", "Jack Sprat", "Tom Thumb", "Robin Hood",
        "Teddy Bear", "Teddy Bears", "Peppa Pig", "George Pig", "Mr Men", "Little Miss", "Ben Holly", "Bing Bunny", "Sarah Duck",
        "Julia Donaldson", "Axel Scheffler", "Eric Carle", "Roald Dahl", "Beatrix Potter", "Judith Kerr", "Jill Murphy",
        "Shirley Hughes", "Michael Rosen", "Helen Oxenbury", "Mo Willems", "Oliver Jeffers", "Nick Sharratt", "Mick Inkpen",
        "Lucy Cousins", "Rod Campbell", "Jez Alborough", "David McKee", "Sam McBratney", "Martin Waddell", "Nick Butterworth",
        "Giles Andreae", "Rachel Bright", "Enid Blyton", "Quentin Blake", "David Walliams", "Jacqueline Wilson", "Lauren Child",
        "Emily Gravett", "Jon Klassen", "Eric Hill", "Lynley Dodd", "Agatha Christie", "Justin Fletcher", "Joe Wicks",
        "Dr Seuss", "Mr Bean", "John Lewis", "Ted Baker", "Laura Ashley", "Jack Wills", "Ronald McDonald");

    private static readonly FrozenSet<string> Pronouns = Set("her", "his", "their", "my", "our", "she", "he");

    private static readonly FrozenSet<string> CharacterContext = Set(
        "Frozen", "Disney", "Pixar", "film", "films", "movie", "movies", "cartoon", "character", "characters", "costume", "costumes",
        "princess", "princesses", "superhero", "superheroes", "dressed", "dress-up", "fancy", "CBeebies", "Peppa", "Bluey", "Paw",
        "panto", "pantomime", "nativity", "story", "stories", "storybook", "Encanto", "Moana", "Potter", "Gruffalo", "sing-along", "singalong");

    // Lower-case tokens in the name list that are chat or brand words, not names ("ive", "cos", "costa").
    private static readonly FrozenSet<string> LowerCaseNotNames = Set("ive", "wat", "cos", "telly", "costa", "param", "dev", "dom", "sig", "ly", "cy", "wm", "al", "jo", "anna", "elsa", "olaf", "marlow", "nan", "lil", "mon", "tue", "wed", "thu", "fri", "sat", "sun");

    // Single capitals that are words, not a surname's initial ("Sophie T").
    private static readonly FrozenSet<string> NotInitials = Set("I", "A", "O", "X");

    private static readonly FrozenSet<string> FamousFirstWords = FamousCharacters.Select(n => n[..n.IndexOf(' ')]).ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    // Words that follow a plural that names a room, a group or a show rather than a family ("the Owls room").
    private static readonly FrozenSet<string> GroupNounsAfter = Set("room", "group", "class", "team", "club", "session", "sessions", "song", "show", "film", "book", "books", "episode", "game", "match", "fans");

    private static readonly FrozenSet<string> Determiners = Set("the", "little", "that", "this", "those", "these", "both", "all", "a");

    public void Recognize(AnalysisInput input, List<PiiCandidate> sink)
    {
        var tokens = input.Tokens;
        bool? preschoolPost = null;
        bool? characterPost = null;
        bool shouted = IsShouted(input.Text);

        for (int i = 0; i < tokens.Count; i++)
        {
            var word = AnalysisInput.WithoutPossessive(input.Span(tokens[i]));
            if (!char.IsLetter(word[0])) continue;
            bool capitalised = IsCapitalised(word);

            // "St Paul's", "st mary's church hall", "Councillor Ahmed", "Sir William Ramsay": a church or a public figure.
            if (IsPublicTitle(input, i, word, capitalised))
            {
                i = EndOfTitleCaseRun(input, i + 1);
                continue;
            }

            // "Lane End", "High Wycombe", "Wycombe Rye", "at Penn": a known place, with the title-case words that
            // name something in it ("Wycombe Wanderers", "Marlow Regatta", "Lane End village hall").
            int placeLength = gazetteer.MatchPlace(input, i);
            if (placeLength > 0 && IsPlaceHere(input, i, placeLength, word))
            {
                i = EndOfTitleCaseRun(input, i + placeLength - 1);
                continue;
            }

            // "the Johnson family", "the little Kowalski boy", "the Wilsons".
            if (capitalised && FamilyName(input, i) is { } family)
            {
                sink.Add(family);
                i = input.TokenIndexAtOrAfter(family.End) - 1;
                continue;
            }

            // Toys, characters, authors and shops with a first name and surname ("Teddy Bears' Picnic", "julia donaldson").
            if (IsAdjacentWord(input, i) && IsFamous(input, i))
            {
                i++;
                continue;
            }

            if (capitalised && Lookup(Titles, word) && i + 1 < tokens.Count && IsTitleGap(input, tokens[i], tokens[i + 1])
                && IsTitledSurname(input, i + 1))
            {
                int titledLast = i + 1;
                if (IsAdjacentWord(input, titledLast) && IsSurnameLike(input, titledLast + 1)) titledLast++;
                // "my own bear, Mr Bumble".
                if (!IsPetName(input, i)) sink.Add(Candidate(input, i + 1, titledLast, TitledScore, null));
                i = titledLast;
                continue;
            }

            var kind = gazetteer.Lookup(word);
            if (kind == NameKind.None || (!capitalised && kind != NameKind.Clear)) continue;
            // "christmas fayre" in a lower-case post: an event word that the name list also holds.
            if (!capitalised && Lookup(NamedThingNouns, word)) continue;
            // "Jan–Dec", "Sat/Sun": a month or day short form in a range is a date.
            if (IsDateRange(input, i)) continue;

            bool possessive = word.Length != tokens[i].Length;
            // "St Mary's church", "Paul's chapel".
            if (possessive && IsAdjacentWord(input, i) && Lookup(ChurchWords, input.Span(tokens[i + 1]))) continue;
            // "the Red Lion", "the Belle Vue", "the Pink and Lily": after "the", a title-case run is a pub, a paper or a place.
            if (capitalised && IsInRunAfterThe(input, i))
            {
                i = EndOfTitleCaseRun(input, i);
                continue;
            }
            // "tortoise Sheldon", "a basset hound called Winston".
            if (IsPetName(input, i)) continue;

            // "Hughenden Park", "Keep Hill Wood", "a walk at Penn Wood", but "Lily Green" and "Jess Marsh" are people.
            bool surnameIsPlaceWord = false;
            if (!possessive && IsAdjacentWord(input, i) && IsPlaceNounAfter(input, i, capitalised))
            {
                var next = AnalysisInput.WithoutPossessive(input.Span(tokens[i + 1]));
                bool person = kind == NameKind.Clear && capitalised && Lookup(SurnamePlaceNouns, next)
                    && !IsAfter(input, i, Locatives) && !(IsAdjacentWord(input, i + 1) && IsPlaceNounAfter(input, i + 1, true));
                if (!person)
                {
                    i = EndOfTitleCaseRun(input, i + 1);
                    continue;
                }
                surnameIsPlaceWord = true;
            }
            // "Summer Fair", "Bank Holiday Monday", "Marlow Tesco", "Jack and the Beanstalk": the run names a thing.
            if (capitalised && !possessive && IsInNamedThing(input, i)) continue;
            // "Autumn Fayre": an event word that is also a name ends a run, it does not start a person.
            if (capitalised && Lookup(NamedThingNouns, word) && i > 0 && IsAdjacentWord(input, i - 1) && IsCapitalised(input.Span(tokens[i - 1]))) continue;

            int last = i;
            if (surnameIsPlaceWord) last = i + 1;
            // "Teddy R", "Sophie T.": a surname's initial.
            else if (capitalised && !possessive && IsAdjacentWord(input, i) && input.Tokens[i + 1].Length == 1
                && char.IsUpper(input.Text[tokens[i + 1].Start]) && !Lookup(NotInitials, input.Span(tokens[i + 1])))
            {
                last = i + 1;
            }
            // A verb before a clear first name is a question or a wish ("Will Sophie come?", "Hope Leo feels better").
            else if (capitalised && !possessive && IsAdjacentWord(input, i) && IsSurnameLike(input, i + 1)
                && !(Lookup(VerbLikeNames, word) && gazetteer.Lookup(AnalysisInput.WithoutPossessive(input.Span(tokens[i + 1]))) == NameKind.Clear)
                && !(IsAdjacentWord(input, i + 1) && Lookup(StreetSuffixes, input.Span(tokens[i + 2]))))
            {
                last = i + 1;
            }

            var cue = FindCue(input, i, last, allowOur: kind != NameKind.Reserved);
            bool character = last == i && Lookup(Characters, word) && (characterPost ??= input.ContainsWord(CharacterContext));
            if (cue == Cue.None && !character)
            {
                // Weaker evidence after the name: what the person does, or a list of other names ("Bev & Sue").
                if (FollowsLikeAPerson(input, last)) cue = Cue.Person;
                else if (kind != NameKind.Reserved && last == i && IsInNameList(input, i)) cue = Cue.Person;
            }
            bool sentenceStart = IsSentenceStart(input.Text, tokens[i].Start);

            if (last == i && cue == Cue.None)
            {
                if (kind == NameKind.Reserved || character) continue;
                // "the George and Dragon", "the Grange": after "the" a capitalised word is a place or a thing.
                if (capitalised && IsAfterThe(input, i)) continue;
                // "Elsa dress", "Daisy chains", "Ruby slippers".
                if (!possessive && IsAdjacentWord(input, i) && Lookup(ThingNounsAfter, input.Span(tokens[i + 1]))) continue;
                // "Daisy chains on the field" / "Daisy was poorly": a sentence-initial name that is also a word needs a verb after it.
                if (capitalised && sentenceStart && !possessive && gazetteer.IsCommonWord(word) && !IsSentenceVerbAfter(input, i)) continue;
            }
            if (kind == NameKind.Reserved && last == i && cue == Cue.None) continue;

            double score = last > i ? (kind == NameKind.Clear ? FullNameScore : AmbiguousFullNameScore)
                : !capitalised ? (IsBareLowerCaseName(word, kind, shouted) ? LowerCaseClearScore : LowerCaseScore)
                : kind != NameKind.Clear ? AmbiguousScore
                : sentenceStart ? SentenceStartScore : MidSentenceScore;
            score = Scoring.WithContext(score, cue != Cue.None);

            bool child = cue == Cue.Child || (cue != Cue.Adult && (preschoolPost ??= input.ContainsWord(PreschoolWords)));
            sink.Add(Candidate(input, i, last, score, child ? PiiCategories.Child : null));
            i = last;
        }
    }

    /// <summary>"St", "Saint", "Sir", "Councillor"… followed by a capitalised word (any case for "st mary's" in a lower-case post).</summary>
    private static bool IsPublicTitle(AnalysisInput input, int index, ReadOnlySpan<char> word, bool capitalised)
    {
        var tokens = input.Tokens;
        if (index + 1 >= tokens.Count || word.Length != tokens[index].Length || !Lookup(PublicTitles, word)) return false;
        if (!IsTitleGap(input, tokens[index], tokens[index + 1])) return false;
        var next = input.Span(tokens[index + 1]);
        if (!char.IsLetter(next[0])) return false;
        if (capitalised) return IsCapitalised(next);
        return (word.Equals("st", StringComparison.Ordinal) || word.Equals("saint", StringComparison.Ordinal)) && char.IsLower(next[0]);
    }

    /// <summary>
    /// The last token of the title-case run that token <paramref name="index"/> belongs to: the words after it joined
    /// by plain spaces and capitalised, up to a possessive ("St Paul's") or a personal title ("Mrs").
    /// </summary>
    private static int EndOfTitleCaseRun(AnalysisInput input, int index)
    {
        var tokens = input.Tokens;
        while (IsAdjacentWord(input, index))
        {
            var current = input.Span(tokens[index]);
            var next = input.Span(tokens[index + 1]);
            if (AnalysisInput.WithoutPossessive(current).Length != current.Length || !char.IsLetter(next[0]) || !IsCapitalised(next)
                || Lookup(Titles, next))
            {
                break;
            }
            index++;
        }
        return index;
    }

    /// <summary>
    /// A place from the list is a place here: always when it has more than one word or is no first name; a Reserved
    /// word ("Marlow", "Chester") when a title-case name follows ("Marlow Regatta"); a first name that is also a
    /// village ("Penn") only after a preposition of place or beside another place ("Penn &amp; Tylers Green").
    /// </summary>
    private bool IsPlaceHere(AnalysisInput input, int index, int length, ReadOnlySpan<char> word)
    {
        if (length > 1) return true;
        var kind = gazetteer.Lookup(word);
        if (kind == NameKind.None) return true;
        bool runFollows = IsAdjacentWord(input, index) && IsCapitalised(input.Span(input.Tokens[index + 1]));
        if (kind == NameKind.Reserved) return runFollows;
        if (IsAfter(input, index, Locatives)) return true;
        int neighbour = ListNeighbour(input, index, forward: true);
        if (neighbour >= 0 && gazetteer.MatchPlace(input, neighbour) > 0) return true;
        neighbour = ListNeighbour(input, index, forward: false);
        return neighbour >= 0 && gazetteer.MatchPlace(input, neighbour) > 0;
    }

    /// <summary>
    /// A family named by its surname: "the Johnson family", "the Okafor boys'", "the little Kowalski boy", "the Wilsons".
    /// The span is the surname with its family word, or the plural surname.
    /// </summary>
    private PiiCandidate? FamilyName(AnalysisInput input, int index)
    {
        var tokens = input.Tokens;
        var raw = input.Span(tokens[index]);
        var word = AnalysisInput.WithoutPossessive(raw);
        if (word.Length < 2 || !IsNameShaped(word) || IsFamilyPhraseWord(input, index, word)) return null;
        // Inside a longer title-case name ("West Wycombe Family Fun Day") the word is no surname.
        bool afterThe = IsAfterThe(input, index);
        if (index > 0 && IsAdjacentWord(input, index - 1) && IsCapitalised(input.Span(tokens[index - 1])) && !IsAfter(input, index, Determiners)) return null;

        if (word.Length == raw.Length && IsAdjacentWord(input, index))
        {
            var next = AnalysisInput.WithoutPossessive(input.Span(tokens[index + 1]));
            bool lowerOrFamily = char.IsLower(next[0]) || next.StartsWith("Famil", StringComparison.Ordinal);
            bool childNoun = Lookup(FamilyChildNouns, next);
            // "Family Fun Day": an event.
            bool eventFollows = IsAdjacentWord(input, index + 1) && IsCapitalised(input.Span(tokens[index + 2]));
            // A lone "boy" or "girl" needs "the" or "little" before the surname: "the Kowalski boy", not "Birthday girl".
            bool singular = next.Equals("boy", StringComparison.OrdinalIgnoreCase) || next.Equals("girl", StringComparison.OrdinalIgnoreCase);
            if (lowerOrFamily && !eventFollows && (Lookup(FamilyNouns, next) || childNoun)
                && (!singular || IsAfter(input, index, Determiners)))
            {
                int start = tokens[index].Start;
                int end = tokens[index + 1].Start + next.Length;
                return new PiiCandidate(PiiCategories.Person, start, end - start, TitledScore, childNoun ? PiiCategories.Child : null);
            }
        }

        // "the Wilsons", "the Hendersons'", "the Joneses".
        if (afterThe && word.Length >= 4 && word[^1] == 's' && !Lookup(PluralsNotFamilies, word))
        {
            var singular = word[..^1];
            var shorter = word.Length > 4 && word.EndsWith("es", StringComparison.Ordinal) ? word[..^2] : singular;
            if (IsFamilyPhraseWord(input, index, singular) || IsFamilyPhraseWord(input, index, shorter)) return null;
            if (IsAdjacentWord(input, index))
            {
                var next = input.Span(tokens[index + 1]);
                if (IsCapitalised(next) || Lookup(GroupNounsAfter, next) || Lookup(ThingNounsAfter, next)) return null;
            }
            return new PiiCandidate(PiiCategories.Person, tokens[index].Start, word.Length, TitledScore, null);
        }
        return null;
    }

    /// <summary>A capitalised word that is a season, place, event, group or character rather than a surname.</summary>
    private bool IsFamilyPhraseWord(AnalysisInput input, int index, ReadOnlySpan<char> word) =>
        Lookup(NotFamilyNames, word) || Lookup(NotSurnames, word) || Lookup(NamedThingNouns, word) || Lookup(StreetSuffixes, word)
        || Lookup(CharacterContext, word) || Lookup(PluralsNotFamilies, word) || Lookup(Titles, word) || Lookup(PublicTitles, word)
        || gazetteer.Lookup(word) == NameKind.Reserved || gazetteer.MatchPlace(input, index) > 0;

    private static bool IsNameShaped(ReadOnlySpan<char> word)
    {
        if (!IsCapitalised(word)) return false;
        foreach (char c in word)
        {
            if (!char.IsLetter(c) && !AnalysisInput.IsApostrophe(c) && c != '-') return false;
        }
        return true;
    }

    /// <summary>Two words that make a character, toy, author or shop ("Peppa Pig", "Teddy Bears", "Julia Donaldson"), in any case.</summary>
    private static bool IsFamous(AnalysisInput input, int index)
    {
        var first = input.Span(input.Tokens[index]);
        if (!char.IsLetter(first[0]) || !Lookup(FamousFirstWords, first)) return false;
        var second = AnalysisInput.WithoutPossessive(input.Span(input.Tokens[index + 1]));
        return FamousCharacters.Contains(string.Concat(first, " ", second));
    }

    /// <summary>After a title: a surname, including those that are also place words ("Mrs Green").</summary>
    private bool IsTitledSurname(AnalysisInput input, int index)
    {
        if (IsSurnameLike(input, index)) return true;
        var word = AnalysisInput.WithoutPossessive(input.Span(input.Tokens[index]));
        return IsNameShaped(word) && Lookup(TitledSurnameWords, word);
    }

    /// <summary>
    /// The word is in a title-case run straight after "the" ("the Red Lion", "the Bucks Free Press", "the Pink and Lily"):
    /// people are not called "the Sophie", so the run names a pub, a paper, a team or a place.
    /// </summary>
    private static bool IsInRunAfterThe(AnalysisInput input, int index)
    {
        var tokens = input.Tokens;
        for (int k = index - 1; k >= 0 && IsAdjacentWord(input, k); k--)
        {
            var w = input.Span(tokens[k]);
            if (w.Equals("the", StringComparison.OrdinalIgnoreCase)) return true;
            // "the Pink and Lily": one title-case word, "and", then this one.
            if (k == index - 1 && w.Equals("and", StringComparison.OrdinalIgnoreCase))
            {
                return k >= 2 && IsAdjacentWord(input, k - 1) && IsAdjacentWord(input, k - 2) && IsCapitalised(input.Span(tokens[k - 1]))
                    && input.Span(tokens[k - 2]).Equals("the", StringComparison.OrdinalIgnoreCase);
            }
            if (!IsCapitalised(w) || AnalysisInput.WithoutPossessive(w).Length != w.Length) return false;
        }
        // "the Rose & Crown".
        if (index >= 2 && input.Text.AsSpan(tokens[index - 1].End, tokens[index].Start - tokens[index - 1].End).Trim() is "&"
            && IsCapitalised(input.Span(tokens[index - 1])) && IsAdjacentWord(input, index - 2)
            && input.Span(tokens[index - 2]).Equals("the", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        return false;
    }

    /// <summary>"tortoise Sheldon", "a hound called Winston", "my bear, Mr Bumble", "Winston the dog".</summary>
    private static bool IsPetName(AnalysisInput input, int index)
    {
        var tokens = input.Tokens;
        int k = index - 1;
        if (k >= 0 && IsAdjacentWord(input, k) && input.Span(tokens[k]) is var verb
            && (verb.Equals("called", StringComparison.OrdinalIgnoreCase) || verb.Equals("named", StringComparison.OrdinalIgnoreCase)))
        {
            k--;
        }
        if (k >= 0 && input.Text.AsSpan(tokens[k].End, tokens[k + 1].Start - tokens[k].End).Trim() is "" or ","
            && Lookup(PetWords, input.Span(tokens[k])))
        {
            return true;
        }
        return IsAdjacentWord(input, index) && IsAdjacentWord(input, index + 1)
            && input.Span(tokens[index + 1]).Equals("the", StringComparison.OrdinalIgnoreCase) && Lookup(PetWords, input.Span(tokens[index + 2]));
    }

    /// <summary>The next word is a place word ("Park", "Wood", "End"), capitalised, or lower case after a lower-case name ("adams park").</summary>
    private static bool IsPlaceNounAfter(AnalysisInput input, int index, bool capitalised)
    {
        var next = AnalysisInput.WithoutPossessive(input.Span(input.Tokens[index + 1]));
        if (!Lookup(PlaceNouns, next)) return false;
        return IsCapitalised(next) || (!capitalised && char.IsLower(next[0]));
    }

    private static bool IsDateRange(AnalysisInput input, int index)
    {
        var tokens = input.Tokens;
        bool Joined(int a) => a >= 0 && a + 1 < tokens.Count
            && input.Text.AsSpan(tokens[a].End, tokens[a + 1].Start - tokens[a].End).Trim() is "-" or "\u2013" or "\u2014" or "/";
        return Lookup(CalendarWords, input.Span(tokens[index]))
            && ((Joined(index) && Lookup(CalendarWords, input.Span(tokens[index + 1]))) || (Joined(index - 1) && Lookup(CalendarWords, input.Span(tokens[index - 1]))));
    }

    private static bool IsAfter(AnalysisInput input, int index, FrozenSet<string> words) =>
        index > 0 && IsAdjacentWord(input, index - 1) && Lookup(words, input.Span(input.Tokens[index - 1]));

    /// <summary>
    /// A lower-case (or shouted) clear name that is no English word is still a name ("freddie was a star", "FREDDIE
    /// WAS A STAR"); very short ones and chat words need a cue.
    /// </summary>
    private bool IsBareLowerCaseName(ReadOnlySpan<char> word, NameKind kind, bool shouted) =>
        kind == NameKind.Clear && word.Length >= (shouted ? 3 : 4) && !gazetteer.IsCommonWord(word) && !Lookup(LowerCaseNotNames, word)
        && (shouted || !char.IsUpper(word[0]));

    /// <summary>Mostly capitals: a shouted post, where case says nothing about names.</summary>
    private static bool IsShouted(string text)
    {
        int upper = 0, lower = 0;
        foreach (char c in text)
        {
            if (char.IsUpper(c)) upper++;
            else if (char.IsLower(c)) lower++;
        }
        return upper >= 8 && lower * 5 < upper;
    }

    /// <summary>
    /// The capitalised run from this word on ends in an event, shop, club or pub word ("Summer Fair", "Grand Duck Race",
    /// "Bank Holiday", "Marlow Tesco"), or the word opens a title ("Jack and the Beanstalk").
    /// </summary>
    private static bool IsInNamedThing(AnalysisInput input, int index)
    {
        var tokens = input.Tokens;
        for (int k = index; k < index + 4 && IsAdjacentWord(input, k); k++)
        {
            var raw = input.Span(tokens[k + 1]);
            if (!IsCapitalised(raw)) break;
            var next = AnalysisInput.WithoutPossessive(raw);
            if (Lookup(NamedThingNouns, next) || Lookup(NamedThingNouns, raw)) return true;
            // A plural possessive goes on to the thing it qualifies ("Teddy Bears' Picnic"); a singular one ends the run.
            if (next.Length != raw.Length && !AnalysisInput.IsApostrophe(raw[^1])) break;
        }
        // "Jack and the Beanstalk", but "Jude and the twins" is a child.
        if (index + 3 < tokens.Count && IsAdjacentWord(input, index) && IsAdjacentWord(input, index + 1) && IsAdjacentWord(input, index + 2)
            && input.Span(tokens[index + 1]).Equals("and", StringComparison.OrdinalIgnoreCase)
            && input.Span(tokens[index + 2]).Equals("the", StringComparison.OrdinalIgnoreCase)
            && IsCapitalised(input.Span(tokens[index + 3])))
        {
            return true;
        }
        return false;
    }

    private static bool IsAfterThe(AnalysisInput input, int index) =>
        index > 0 && IsAdjacentWord(input, index - 1) && input.Span(input.Tokens[index - 1]).Equals("the", StringComparison.OrdinalIgnoreCase);

    /// <summary>"Summer was so brave today", "Grace loved the slide", "May is poorly".</summary>
    private static bool FollowsLikeAPerson(AnalysisInput input, int last)
    {
        var tokens = input.Tokens;
        if (!IsAdjacentWord(input, last)) return false;
        var next = input.Span(tokens[last + 1]);
        if (Lookup(PersonVerbsAfter, next)) return true;
        if (!Lookup(CopulasAfter, next) && !IsContractedIs(input.Span(tokens[last]))) return false;
        int k = Lookup(CopulasAfter, next) ? last + 2 : last + 1;
        for (int end = k + 4; k < tokens.Count && k < end; k++)
        {
            var w = input.Span(tokens[k]);
            if (Lookup(PersonStatesAfter, w)) return true;
            if (!Lookup(Intensifiers, w)) return false;
        }
        return false;
    }

    private static bool IsContractedIs(ReadOnlySpan<char> token) =>
        token.Length > 2 && (token[^1] is 's' or 'S') && AnalysisInput.IsApostrophe(token[^2]);

    private bool IsSentenceVerbAfter(AnalysisInput input, int index)
    {
        if (!IsAdjacentWord(input, index)) return false;
        var next = input.Span(input.Tokens[index + 1]);
        if (Lookup(SentenceVerbsAfter, next) || Lookup(PersonVerbsAfter, next) || IsInNameList(input, index)) return true;
        // "Willow and her brother", "Jack and his sister".
        return next.Equals("and", StringComparison.OrdinalIgnoreCase) && index + 2 < input.Tokens.Count
            && Lookup(Pronouns, input.Span(input.Tokens[index + 2]));
    }

    /// <summary>Joined by "&amp;", "and", "," or "/" to a capitalised clear first name: "Mon Bev &amp; Sue", "Grace and Leo".</summary>
    private bool IsInNameList(AnalysisInput input, int index)
    {
        var tokens = input.Tokens;
        // Right: "Sue & Bev", "Sue and Bev", "Sue, Bev".
        if (index + 1 < tokens.Count)
        {
            int n = ListNeighbour(input, index, forward: true);
            if (n >= 0 && IsClearCapitalisedName(input, n)) return true;
        }
        if (index > 0)
        {
            int n = ListNeighbour(input, index, forward: false);
            if (n >= 0 && IsClearCapitalisedName(input, n)) return true;
        }
        return false;
    }

    private bool IsClearCapitalisedName(AnalysisInput input, int index)
    {
        var w = AnalysisInput.WithoutPossessive(input.Span(input.Tokens[index]));
        return IsCapitalised(w) && gazetteer.Lookup(w) == NameKind.Clear && !Lookup(Characters, w);
    }

    /// <summary>The token joined to this one by a list separator, or -1.</summary>
    private static int ListNeighbour(AnalysisInput input, int index, bool forward)
    {
        var tokens = input.Tokens;
        int other = forward ? index + 1 : index - 1;
        if (other < 0 || other >= tokens.Count) return -1;
        var (a, b) = forward ? (tokens[index], tokens[other]) : (tokens[other], tokens[index]);
        var gap = input.Text.AsSpan(a.End, b.Start - a.End).Trim();
        if (gap is "&" or "," or "/" or "+") return other;
        // "Grace and Leo", "Lucy, Jade or Becks", "Poppy n Freddie".
        if (gap.Length == 0 && input.Span(tokens[other]) is var joiner
            && (joiner.Equals("and", StringComparison.OrdinalIgnoreCase) || joiner.Equals("or", StringComparison.OrdinalIgnoreCase) || joiner is "n"))
        {
            int beyond = forward ? other + 1 : other - 1;
            if (beyond < 0 || beyond >= tokens.Count) return -1;
            var (c, d) = forward ? (tokens[other], tokens[beyond]) : (tokens[beyond], tokens[other]);
            return input.Text.AsSpan(c.End, d.Start - c.End).Trim().Length == 0 ? beyond : -1;
        }
        return -1;
    }

    private enum Cue { None, Person, Child, Adult }

    private static readonly System.Buffers.SearchValues<char> CueBreakers = System.Buffers.SearchValues.Create(".!?;:-\u2013\u2014()\n");

    // "our" marks a child before a name ("our Freddie") but also opens events ("our Easter egg hunt"), so a
    // month, holiday or place takes only the other cues.
    private static Cue FindCue(AnalysisInput input, int first, int last, bool allowOur)
    {
        var tokens = input.Tokens;
        for (int k = first - 1; k >= Math.Max(0, first - 2); k--)
        {
            var before = AnalysisInput.WithoutPossessive(input.Span(tokens[k]));
            // "our little Freddie" reaches over "little", but "our Summer Fair" does not reach "Fair".
            if (k == first - 2 && IsCapitalised(input.Span(tokens[first - 1]))) break;
            // "visits welcome – ring Wycombe 438996": a cue does not reach over a dash or the end of a sentence.
            if (input.Text.AsSpan(tokens[k].End, tokens[k + 1].Start - tokens[k].End).IndexOfAny(CueBreakers) >= 0) break;
            if (!allowOur && before.Equals("our", StringComparison.OrdinalIgnoreCase)) continue;
            if (Lookup(ChildCuesBefore, before)) return Cue.Child;
            if (Lookup(PersonCuesBefore, before)) return Cue.Person;
        }

        var lastWord = input.Span(tokens[last]);
        bool possessive = AnalysisInput.WithoutPossessive(lastWord).Length != lastWord.Length;
        if (last + 1 < tokens.Count)
        {
            var next = input.Span(tokens[last + 1]);
            if (possessive && Lookup(ChildRelationsAfter, next)) return Cue.Child;
            if (possessive && Lookup(AdultRelationsAfter, next)) return Cue.Adult;
            if (Lookup(AgeWordsAfter, next) && last + 2 < tokens.Count && char.IsAsciiDigit(input.Text[tokens[last + 2].Start])) return Cue.Child;
        }

        // "Freddie (4)" / "Freddie(4)": a small age in brackets right after the name.
        var rest = input.Text.AsSpan(tokens[last].End).TrimStart(' ');
        if (rest.Length >= 3 && rest[0] == '(' && char.IsAsciiDigit(rest[1]) && (rest[2] == ')' || (rest.Length >= 4 && char.IsAsciiDigit(rest[2]) && rest[3] == ')')))
        {
            return Cue.Child;
        }
        return Cue.None;
    }

    private static PiiCandidate Candidate(AnalysisInput input, int first, int last, double score, string? subcategory)
    {
        int start = input.Tokens[first].Start;
        int end = input.Tokens[last].Start + AnalysisInput.WithoutPossessive(input.Span(input.Tokens[last])).Length;
        return new PiiCandidate(PiiCategories.Person, start, end - start, score, subcategory);
    }

    private bool IsSurnameLike(AnalysisInput input, int index)
    {
        if (index >= input.Tokens.Count) return false;
        var word = AnalysisInput.WithoutPossessive(input.Span(input.Tokens[index]));
        if (word.Length < 2 || !IsCapitalised(word) || Lookup(NotSurnames, word) || gazetteer.Lookup(word) == NameKind.Reserved) return false;
        foreach (char c in word)
        {
            if (!char.IsLetter(c) && !AnalysisInput.IsApostrophe(c) && c != '-') return false;
        }
        return true;
    }

    /// <summary>The next token follows this one after plain spaces only: no punctuation, no line break.</summary>
    private static bool IsAdjacentWord(AnalysisInput input, int index)
    {
        if (index + 1 >= input.Tokens.Count) return false;
        var gap = input.Text.AsSpan(input.Tokens[index].End, input.Tokens[index + 1].Start - input.Tokens[index].End);
        return gap.Length is >= 1 and <= 2 && gap.IndexOfAnyExcept(' ', '\u00A0') < 0;
    }

    /// <summary>"Mrs Smith" or "Mrs. Smith".</summary>
    private static bool IsTitleGap(AnalysisInput input, Token title, Token next)
    {
        var gap = input.Text.AsSpan(title.End, next.Start - title.End);
        return gap is " " or ". " or "\u00A0";
    }

    /// <summary>Upper-case first letter and not shouted in capitals ("LEO" in an all-caps post is not evidence).</summary>
    private static bool IsCapitalised(ReadOnlySpan<char> word)
    {
        if (!char.IsUpper(word[0])) return false;
        if (word.Length == 1) return true;
        foreach (char c in word[1..]) if (char.IsLower(c)) return true;
        return false;
    }

    /// <summary>True when nothing but openers (quotes, brackets, spaces, emoji, bullets) stands between a sentence end and the word.</summary>
    internal static bool IsSentenceStart(string text, int position)
    {
        for (int p = position - 1; p >= 0; p--)
        {
            char c = text[p];
            if (c is '\n' or '\r' or '.' or '!' or '?' or '\u2026' or ':' or ';' or '\u2022') return true;
            if (char.IsWhiteSpace(c) || c is '"' or '\'' or '(' or '[' or '\u201C' or '\u2018' or '*' or '-' or '\u2013' or '\u2014') continue;
            if (char.IsSurrogate(c)) return true;
            var category = char.GetUnicodeCategory(c);
            if (category is UnicodeCategory.Format or UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark) continue;
            return category is UnicodeCategory.OtherSymbol or UnicodeCategory.MathSymbol;
        }
        return true;
    }

    private static bool Lookup(FrozenSet<string> set, ReadOnlySpan<char> word) => set.GetAlternateLookup<ReadOnlySpan<char>>().Contains(word);
}
