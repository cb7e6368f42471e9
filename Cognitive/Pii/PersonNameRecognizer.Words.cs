using System.Collections.Frozen;

namespace WWPS.PolicyBot.Cognitive.Pii;

/// <summary>
/// The word lists the recogniser reads its cues from: titles, relations, places, events, characters. Kept apart from
/// the rules that use them so a list can be reviewed (and grown) on its own.
/// </summary>
internal sealed partial class PersonNameRecognizer
{
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
}
