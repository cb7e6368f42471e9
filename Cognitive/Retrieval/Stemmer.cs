namespace WWPS.PolicyBot.Cognitive.Retrieval;

/// <summary>
/// A light English suffix stripper. Full Porter stemming merges too much for a 12-clause index
/// ("general"/"generous"); this only folds plurals and the common verb endings people type.
/// </summary>
internal static class Stemmer
{
    public static string Stem(string word)
    {
        if (word.Length <= 3 || !char.IsLetter(word[^1]))
        {
            return word;
        }

        // A silent final e is dropped everywhere so "share", "shared" and "sharing" all meet at "shar".
        var stem = StripSuffix(word);
        return stem.Length > 4 && stem[^1] == 'e' ? stem[..^1] : stem;
    }

    private static string StripSuffix(string word)
    {

        if (word.EndsWith("ies", StringComparison.Ordinal) && word.Length > 4)
        {
            return word[..^3] + "y";
        }

        if (word.EndsWith("sses", StringComparison.Ordinal))
        {
            return word[..^2];
        }

        if (word.EndsWith("ing", StringComparison.Ordinal) && word.Length > 5)
        {
            return Undouble(word[..^3]);
        }

        if (word.EndsWith("ed", StringComparison.Ordinal) && word.Length > 4 && !word.EndsWith("eed", StringComparison.Ordinal))
        {
            return Undouble(word[..^2]);
        }

        if (word.EndsWith("ly", StringComparison.Ordinal) && word.Length > 5)
        {
            return word[..^2];
        }

        if (word.EndsWith('s') && !word.EndsWith("ss", StringComparison.Ordinal) && !word.EndsWith("us", StringComparison.Ordinal) && !word.EndsWith("is", StringComparison.Ordinal))
        {
            return word[..^1];
        }

        return word;
    }

    // "chatting" → "chatt" → "chat"; "uploaded" → "upload"; keeps "ll"/"ss" ("called" → "call").
    private static string Undouble(string stem) =>
        stem.Length > 2 && stem[^1] == stem[^2] && stem[^1] is not ('l' or 's' or 'z') ? stem[..^1] : stem;
}
