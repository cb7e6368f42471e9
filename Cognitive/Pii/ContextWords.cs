using System.Collections.Frozen;

namespace WWPS.PolicyBot.Cognitive.Pii;

/// <summary>Context words per recognizer, Presidio's lists trimmed and with the words parents actually write added.</summary>
internal static class ContextWords
{
    private static FrozenSet<string> Set(params string[] words) => words.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    public static readonly FrozenSet<string> Phone = Set("phone", "number", "telephone", "tel", "mobile", "mob", "call", "ring", "text", "whatsapp", "contact", "landline");
    public static readonly FrozenSet<string> Email = Set("email", "e-mail", "mail", "address", "contact", "message");
    public static readonly FrozenSet<string> Postcode = Set("postcode", "post", "postal", "address", "live", "lives", "living", "lived", "moved", "from", "near", "delivery", "deliver", "house", "home");
    // Words about where someone lives; AddressRecognizer also checks how each is used ("care home", "live music").
    // "at", "on", "near" and "from" were here too, but they come before every venue ("picnic at Hughenden Park", "walk
    // on West Wycombe Hill"); "road", "street" and "number" came before road closures ("Road closure: the High Street")
    // and raffle draws ("number 42 - Janet Moore of Daws Hill Lane"). "Round to yours on Castle Street" is a home.
    public static readonly FrozenSet<string> Address = Set("address", "live", "lives", "living", "lived", "moved", "moving", "house", "home", "flat", "yours", "theirs", "hers");
    public static readonly FrozenSet<string> Nhs = Set("nhs", "health", "national", "hospital", "gp", "patient");
    public static readonly FrozenSet<string> Nino = Set("insurance", "ni", "nino", "national", "hmrc", "tax");
}
