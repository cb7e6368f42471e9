using System.Globalization;
using System.Text;
using System.Text.Json;
using CsCheck;

namespace WWPS.PolicyBot.Tests.Fuzz;

/// <summary>
/// Random JSON for the protocol fuzz tests: objects built from the fields the protocols name, holding values of any
/// JSON type (and sometimes the right one), nested a few levels; sometimes not JSON at all.
/// </summary>
internal static class FuzzJson
{
    private static readonly Gen<string> Scalar = Gen.Frequency(
        (4, FuzzText.Text(12).Select(t => JsonSerializer.Serialize(t))),
        (2, Gen.Long.Select(n => n.ToString(CultureInfo.InvariantCulture))),
        (1, Gen.Double.Select(d => double.IsFinite(d) ? d.ToString("R", CultureInfo.InvariantCulture) : "1e308")),
        (1, Gen.OneOf("true", "false", "null", "1e999", "-0", "\"\"", "123456789012345678901234567890")));

    /// <summary>A JSON value whose objects use <paramref name="fields"/> as their property names, nested up to <paramref name="depth"/>.</summary>
    public static Gen<string> Value(string[] fields, int depth) => depth <= 0
        ? Scalar
        : Gen.Frequency(
            (5, Scalar),
            (2, Object(fields, depth - 1)),
            (1, Value(fields, depth - 1).Array[0, 4].Select(items => "[" + string.Join(",", items) + "]")));

    /// <summary>An object of some of <paramref name="fields"/>, each with a random value, or a given one from <paramref name="known"/>.</summary>
    public static Gen<string> Object(string[] fields, int depth, IReadOnlyDictionary<string, string[]>? known = null) =>
        Gen.Select(Gen.OneOf(fields), Gen.Bool, Gen.Int[0, 1000], (name, useKnown, pick) => (name, useKnown, pick))
            .SelectMany(f => known is not null && f.useKnown && known.TryGetValue(f.name, out var choices)
                ? Gen.Const((f.name, choices[f.pick % choices.Length]))
                : Value(fields, depth).Select(v => (f.name, v)))
            .Array[0, 10]
            .Select(members =>
            {
                var json = new StringBuilder("{");
                foreach (var (name, value) in members.DistinctBy(m => m.name))
                {
                    json.Append(json.Length > 1 ? "," : string.Empty).Append(JsonSerializer.Serialize(name)).Append(':').Append(value);
                }

                return json.Append('}').ToString();
            });

    /// <summary>A body: mostly <paramref name="json"/>, sometimes cut short, sometimes random text.</summary>
    public static Gen<string> Body(Gen<string> json) => Gen.Frequency(
        (8, json),
        (1, json.SelectMany(j => Gen.Int[0, Math.Max(0, j.Length)].Select(n => j[..n]))),
        (1, FuzzText.Text(20)));
}
