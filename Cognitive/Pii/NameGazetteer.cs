using System.Collections.Frozen;

namespace WWPS.PolicyBot.Cognitive.Pii;

internal enum NameKind : byte
{
    None,
    /// <summary>A first name that is rarely anything else when capitalised ("Jayden", "Olivia").</summary>
    Clear,
    /// <summary>A first name that is also an everyday word or family word ("Will", "Grace", "Nan"): needs a cue or a surname.</summary>
    Ambiguous,
    /// <summary>A month, day, holiday or place that is also a first name ("May", "Easter", "Chester"): "our Easter" is not a child,
    /// so only a surname or a cue after it ("May's mum", "April (3)") makes it a name.</summary>
    Reserved,
}

/// <summary>
/// First names from the embedded list (see Data/ATTRIBUTION.md), with the project's curated exceptions on top,
/// and the place names that look like people's names ("Lane End", "Penn", "Wycombe Rye").
/// Built once; look-ups take a span so the recognizer never allocates a string per word.
/// </summary>
internal sealed class NameGazetteer
{
    private const string ResourceName = "WWPS.PolicyBot.Cognitive.Pii.first-names.txt";
    private const string PlacesResourceName = "WWPS.PolicyBot.Cognitive.Pii.places.txt";

    // Ordinary English words by the dictionary flag, but overwhelmingly names when capitalised in a post about
    // children, and among the most given UK names; treating them as ambiguous would miss "Poppy was poorly".
    private static readonly string[] NamesDespiteBeingWords =
    [
        "Harry", "Jack", "Lily", "Poppy", "Daisy", "Ruby", "Ivy", "Max", "Mason", "Jasper", "Phoebe", "Willow", "Hazel",
        "Violet", "Iris", "Holly", "Bonnie", "Bonny", "Sonny", "Billy", "Bobby", "Jimmy", "Peter", "John", "Martin", "Mike",
        "Tony", "Terry", "Sally", "Roger", "Victor", "Maria", "Marina", "Hector", "Ken", "Rick", "Matt", "Josh", "Barney",
        "Felicity", "Jasmine", "Jade", "Colleen", "Beryl", "Kitty", "Dolly", "Patsy", "Derrick", "Dean", "Tom", "Nick",
        "Mickey", "Olive", "Amber", "Pearl", "Heather", "Scarlet", "Melody", "Harmony", "Phoenix", "Ebony", "Rosemary",
        "Jarred", "Eddy", "Dickie", "Chuck", "Brad", "Chad", "Wren", "Cherry", "Teddy",
    ];

    // Capitalised for reasons other than being a person: calendar, faith and holidays, places near the preschool,
    // and common place names that double as first names.
    private static readonly string[] Reserved =
    [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
        "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "Easter", "Christmas", "Noel", "Eid",
        "Diwali", "Christian",
        "London", "Paris", "Chester", "Sydney", "Lincoln", "Devon", "Kent", "Marlow", "Austin", "Jersey", "Windsor", "Oxford",
        "Reading", "Wycombe", "Bristol", "Aylesbury", "Amersham", "Chesham", "Beaconsfield", "Wales", "England", "Scotland",
        "Ireland", "India", "Africa", "America", "Asia", "Europe", "Georgia", "Virginia", "Carolina", "Dakota", "Florida",
        "Victoria", "Sherwood", "Hampton", "Milton", "Kensington", "Chelsea", "Brighton",
        // Seasons: "our Summer Fair" is an event, "Summer was so brave today" a child; only a cue or surname decides.
        "Summer", "Autumn", "Winter", "Spring",
    ];

    // UK short forms and nicknames that the dictionary also lists as words ("deb"), but that in a post are names
    // ("Mon Bev & Deb"). The non-word ones are in first-names.uk-supplement.txt.
    private static readonly string[] ShortFormsDespiteBeingWords = ["Deb", "Sal", "Mo"];

    // Family words and everyday words whose word sense is the usual one, including the verbs "Will", "May", "Hope".
    private static readonly string[] NeedsCue =
    [
        "Nan", "Nana", "Nanny", "Gran", "Granny", "Grandma", "Grandad",
        "Grandpa", "Mum", "Mummy", "Mam", "Mama", "Dad", "Daddy", "Papa", "Bubba", "Sis", "Bro",
        "Grace", "Hope", "Will", "Bill", "Sunny", "Rose", "Joy", "Faith", "Mark", "Frank", "Art", "Pat", "Sue",
        "Angel", "Dawn", "Eve", "Lucky", "Star", "Miss",
    ];

    // In the source lists, but in a post they open a greeting ("Happy Birthday", "Thanks Sophie") or a place
    // name and would otherwise pair with the next capitalised word as a full name.
    private static readonly string[] NeverNames =
    [
        "Hi", "Hello", "Hey", "Thank", "Thanks", "Happy", "Dear", "Honey", "Sweetie", "Teacher", "Sir", "Baby", "Love",
        "Well", "Wow", "Yay", "Sorry", "Please", "Welcome",
        // Figures of faith and festivals: "baby Jesus" in a nativity post is no child of the preschool.
        "Jesus", "Christ", "God", "Allah", "Santa", "Buddha",
        // Compass words and adjectives that open place names and events ("West Wycombe", "New Year").
        "West", "East", "North", "South", "High", "Old", "New", "Great", "Upper", "Lower", "Little",
    ];

    private readonly FrozenDictionary<string, NameKind> _names;
    private readonly FrozenDictionary<string, NameKind>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public NameGazetteer(IEnumerable<(string Name, bool IsWord)> entries, IEnumerable<string>? places = null)
    {
        var names = new Dictionary<string, NameKind>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, isWord) in entries) names[name] = isWord ? NameKind.Ambiguous : NameKind.Clear;
        foreach (var name in NamesDespiteBeingWords) names[name] = NameKind.Clear;
        foreach (var name in ShortFormsDespiteBeingWords) names[name] = NameKind.Clear;
        foreach (var name in NeedsCue) names[name] = NameKind.Ambiguous;
        foreach (var name in Reserved) names[name] = NameKind.Reserved;
        foreach (var name in NeverNames) names.Remove(name);
        _names = names.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _lookup = _names.GetAlternateLookup<ReadOnlySpan<char>>();
        _commonWords = NamesDespiteBeingWords.ToFrozenSet(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();

        // Keyed by first word so that a look-up costs one probe per token; longest places first so that
        // "West Wycombe Park" wins over "West Wycombe".
        var byFirstWord = new Dictionary<string, List<string[]>>(StringComparer.OrdinalIgnoreCase);
        foreach (var place in places ?? [])
        {
            var words = place.Replace('\u2019', '\'').Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0) continue;
            if (!byFirstWord.TryGetValue(words[0], out var list)) byFirstWord[words[0]] = list = [];
            list.Add(words);
        }
        _places = byFirstWord.ToFrozenDictionary(p => p.Key, p => p.Value.OrderByDescending(w => w.Length).ToArray(), StringComparer.OrdinalIgnoreCase);
        _placeLookup = _places.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    private readonly FrozenDictionary<string, string[][]> _places;
    private readonly FrozenDictionary<string, string[][]>.AlternateLookup<ReadOnlySpan<char>> _placeLookup;

    /// <summary>
    /// How many tokens from <paramref name="index"/> on spell a known place ("Lane End", "High Wycombe", "Penn"),
    /// joined by plain spaces; 0 when none does. Case is ignored, so lower-case posts ("lane end") match too.
    /// </summary>
    public int MatchPlace(AnalysisInput input, int index)
    {
        var raw = input.Span(input.Tokens[index]);
        // "Walter's Ash" is keyed with its apostrophe; "Penn's" is the one-word place Penn.
        string? curly = raw.Contains('\u2019') ? raw.ToString().Replace('\u2019', '\'') : null;
        if (_placeLookup.TryGetValue(curly is null ? raw : curly.AsSpan(), out var candidates))
        {
            foreach (var words in candidates)
            {
                if (Follows(input, index, words)) return words.Length;
            }
        }
        var bare = AnalysisInput.WithoutPossessive(raw);
        if (bare.Length != raw.Length && _placeLookup.TryGetValue(bare, out candidates))
        {
            foreach (var words in candidates)
            {
                if (words.Length == 1) return 1;
            }
        }
        return 0;
    }

    /// <summary>The words after the first of a place follow <paramref name="index"/>, joined by plain spaces.</summary>
    private static bool Follows(AnalysisInput input, int index, string[] words)
    {
        var tokens = input.Tokens;
        if (index + words.Length > tokens.Count) return false;
        for (int k = 1; k < words.Length; k++)
        {
            var previous = tokens[index + k - 1];
            var gap = input.Text.AsSpan(previous.End, tokens[index + k].Start - previous.End);
            var token = input.Span(tokens[index + k]);
            if (k == words.Length - 1) token = AnalysisInput.WithoutPossessive(token);
            if (gap is not (" " or "\u00A0") || !SameWord(token, words[k])) return false;
        }
        return true;
    }

    private static bool SameWord(ReadOnlySpan<char> token, string word)
    {
        if (token.Length != word.Length) return false;
        for (int i = 0; i < token.Length; i++)
        {
            char a = token[i] == '\u2019' ? '\'' : token[i];
            if (char.ToUpperInvariant(a) != char.ToUpperInvariant(word[i])) return false;
        }
        return true;
    }

    private readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> _commonWords;

    /// <summary>A name curated as clear although its lower-case form is an everyday word ("Daisy", "Ruby", "Jack"):
    /// capitals at the start of a sentence do not tell "Daisy chains" from "Daisy was poorly".</summary>
    public bool IsCommonWord(ReadOnlySpan<char> word) => _commonWords.Contains(word);

    public static NameGazetteer Default => LazyDefault.Value;

    public int Count => _names.Count;

    private static readonly Lazy<NameGazetteer> LazyDefault = new(LoadEmbedded);

    public NameKind Lookup(ReadOnlySpan<char> word)
    {
        if (_lookup.TryGetValue(word, out var kind)) return kind;
        int hyphen = word.IndexOf('-');
        return hyphen > 0 ? LookupHyphenated(word, hyphen) : NameKind.None;
    }

    /// <summary>
    /// A double first name ("Isla-Rose", "Amelia-Grace"): every part capitalised, the first a first name. All parts
    /// names make it clear; a first name joined to something else ("Mary-Kate", "Lily-Mai") still needs a surname
    /// or a cue. Calendar and place words never open one ("Stratford-upon-Avon", "Mid-May").
    /// </summary>
    private NameKind LookupHyphenated(ReadOnlySpan<char> word, int hyphen)
    {
        var first = word[..hyphen];
        if (!_lookup.TryGetValue(first, out var firstKind) || firstKind == NameKind.Reserved) return NameKind.None;
        bool allNames = true;
        var rest = word[(hyphen + 1)..];
        foreach (var range in rest.Split('-'))
        {
            var part = rest[range];
            if (part.Length == 0 || !char.IsUpper(part[0]) || !char.IsUpper(first[0])) return NameKind.None;
            if (!_lookup.TryGetValue(part, out var partKind) || partKind == NameKind.Reserved) allNames = false;
        }
        return allNames && firstKind == NameKind.Clear ? NameKind.Clear : NameKind.Ambiguous;
    }

    private static NameGazetteer LoadEmbedded()
    {
        using var stream = typeof(NameGazetteer).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is missing from {typeof(NameGazetteer).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        var entries = new List<(string, bool)>(10_500);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0) continue;
            int tab = line.IndexOf('\t');
            entries.Add(tab < 0 ? (line, false) : (line[..tab], true));
        }
        return new NameGazetteer(entries, ReadPlaces());
    }

    private static List<string> ReadPlaces()
    {
        using var stream = typeof(NameGazetteer).Assembly.GetManifestResourceStream(PlacesResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {PlacesResourceName} is missing from {typeof(NameGazetteer).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        var places = new List<string>(800);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && line[0] != '#') places.Add(line.Trim());
        }
        return places;
    }
}
