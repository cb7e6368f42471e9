using System.Text.Json.Nodes;

namespace WWPS.PolicyBot.Tests.Azure;

/// <summary>
/// Response bodies in the shape Azure's analyzetext.json spec documents, computed from what was sent, as the
/// service would: a word decides the sentiment, and known names and numbers are found at their UTF-16 offsets.
/// </summary>
internal static class DocumentedResponses
{
    public const string ChildName = "Jayden";
    public const string Phone = "07700 900123";

    public static string SuccessFor(ReceivedRequest request, Func<ReceivedDocument, bool>? failWith = null) =>
        request.Kind switch
        {
            "SentimentAnalysis" => Sentiment(request.Documents, failWith),
            "PiiEntityRecognition" => Pii(request.Documents, failWith),
            _ => throw new InvalidOperationException($"unexpected kind {request.Kind}"),
        };

    public static (string Label, double Positive, double Neutral, double Negative) ScoresFor(string text) =>
        text.Contains("love", StringComparison.OrdinalIgnoreCase) ? ("positive", 0.96, 0.03, 0.01)
        : text.Contains("awful", StringComparison.OrdinalIgnoreCase) ? ("negative", 0.02, 0.08, 0.90)
        : ("neutral", 0.10, 0.85, 0.05);

    private static string Sentiment(IReadOnlyList<ReceivedDocument> documents, Func<ReceivedDocument, bool>? failWith)
    {
        var docs = new JsonArray();
        foreach (var d in documents.Where(d => failWith?.Invoke(d) != true))
        {
            var (label, pos, neu, neg) = ScoresFor(d.Text);
            var scores = new JsonObject { ["positive"] = pos, ["neutral"] = neu, ["negative"] = neg };
            docs.Add(new JsonObject
            {
                ["id"] = d.Id,
                ["sentiment"] = label,
                ["confidenceScores"] = scores,
                ["sentences"] = new JsonArray(new JsonObject
                {
                    ["text"] = d.Text,
                    ["sentiment"] = label == "mixed" ? "neutral" : label,
                    ["confidenceScores"] = scores.DeepClone(),
                    ["offset"] = 0,
                    ["length"] = d.Text.Length,
                }),
                ["warnings"] = new JsonArray(),
            });
        }

        return Envelope("SentimentAnalysisResults", docs, documents, failWith);
    }

    private static string Pii(IReadOnlyList<ReceivedDocument> documents, Func<ReceivedDocument, bool>? failWith)
    {
        var docs = new JsonArray();
        foreach (var d in documents.Where(d => failWith?.Invoke(d) != true))
        {
            var entities = new JsonArray();
            var redacted = d.Text.ToCharArray();
            foreach (var (needle, category, subcategory, score) in new[] { (ChildName, "Person", (string?)null, 0.93), (Phone, "PhoneNumber", null, 0.8) })
            {
                for (var at = d.Text.IndexOf(needle, StringComparison.Ordinal); at >= 0; at = d.Text.IndexOf(needle, at + 1, StringComparison.Ordinal))
                {
                    var entity = new JsonObject
                    {
                        ["text"] = needle,
                        ["category"] = category,
                        ["offset"] = at,
                        ["length"] = needle.Length,
                        ["confidenceScore"] = score,
                    };
                    if (subcategory is not null)
                    {
                        entity["subcategory"] = subcategory;
                    }

                    entities.Add(entity);
                    Array.Fill(redacted, '*', at, needle.Length);
                }
            }

            docs.Add(new JsonObject { ["id"] = d.Id, ["redactedText"] = new string(redacted), ["entities"] = entities, ["warnings"] = new JsonArray() });
        }

        return Envelope("PiiEntityRecognitionResults", docs, documents, failWith);
    }

    private static string Envelope(string kind, JsonArray docs, IReadOnlyList<ReceivedDocument> documents, Func<ReceivedDocument, bool>? failWith)
    {
        var errors = new JsonArray();
        foreach (var d in documents.Where(d => failWith?.Invoke(d) == true))
        {
            // As the service words it for an empty document (recorded session, reference §1.5).
            errors.Add(new JsonObject
            {
                ["id"] = d.Id,
                ["error"] = new JsonObject
                {
                    ["code"] = "InvalidArgument",
                    ["message"] = "Invalid document in request.",
                    ["innererror"] = new JsonObject { ["code"] = "InvalidDocument", ["message"] = "Document text is empty." },
                },
            });
        }

        return new JsonObject
        {
            ["kind"] = kind,
            ["results"] = new JsonObject { ["documents"] = docs, ["errors"] = errors, ["modelVersion"] = "2025-01-01" },
        }.ToJsonString();
    }
}
