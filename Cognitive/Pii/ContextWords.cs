using System.Collections.Frozen;

namespace WWPS.PolicyBot.Cognitive.Pii;

/// <summary>Context words per recognizer, Presidio's lists trimmed and with the words parents actually write added.</summary>
internal static class ContextWords
{
    private static FrozenSet<string> Set(params string[] words) => words.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    public static readonly FrozenSet<string> Phone = Set("phone", "number", "telephone", "tel", "mobile", "mob", "call", "ring", "text", "whatsapp", "contact", "landline");
    public static readonly FrozenSet<string> Email = Set("email", "e-mail", "mail", "address", "contact", "message");
    public static readonly FrozenSet<string> Postcode = Set("postcode", "post", "postal", "address", "live", "lives", "living", "lived", "moved", "from", "near", "delivery", "deliver", "house", "home");
    // Words about where someone lives. "at", "on", "near" and "from" were here too, but they come before every venue
    // ("picnic at Hughenden Park", "walk on West Wycombe Hill") and lifted bare park, hill and green names to an address.
    public static readonly FrozenSet<string> Address = Set("address", "live", "lives", "living", "lived", "moved", "moving", "house", "home", "number", "flat", "road", "street");
    public static readonly FrozenSet<string> Nhs = Set("nhs", "health", "national", "hospital", "gp", "patient");
    public static readonly FrozenSet<string> Nino = Set("insurance", "ni", "nino", "national", "hmrc", "tax");
}
