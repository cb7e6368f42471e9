using System.Collections.Frozen;
using PhoneNumbers;
using WWPS.PolicyBot.Cognitive.Analysis;

namespace WWPS.PolicyBot.Cognitive.Pii;

/// <summary>
/// Contacts that may appear in a post because the preschool publishes them itself (the policy names its email and
/// phone number). Phone numbers compare as E.164, so "01494438996", "+44 1494 438996" and "(01494) 438996" are one
/// number; emails compare case-insensitively.
/// </summary>
public sealed class ContactAllowList
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    private readonly FrozenSet<string> _emails;
    private readonly FrozenSet<string> _phones;

    /// <exception cref="ArgumentException">A phone number that libphonenumber cannot read as a GB number: a typo in configuration should fail at start-up.</exception>
    public ContactAllowList(IEnumerable<string> emails, IEnumerable<string> phoneNumbers)
    {
        ArgumentNullException.ThrowIfNull(emails);
        ArgumentNullException.ThrowIfNull(phoneNumbers);
        _emails = emails.Select(e => e.Trim()).ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        _phones = phoneNumbers
            .Select(p => ToE164(p) ?? throw new ArgumentException($"'{p}' is not a valid UK phone number.", nameof(phoneNumbers)))
            .ToFrozenSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// The allow-list for contacts a policy publishes. A phone number that is not a valid UK number (a typo, or a
    /// fictional 01632 number) is left out and reported through <paramref name="skipped"/>, never fatal: the bot then
    /// treats that number like anyone else's.
    /// </summary>
    public static ContactAllowList FromPublished(IEnumerable<string> emails, IEnumerable<string> phoneNumbers, Action<string>? skipped = null)
    {
        ArgumentNullException.ThrowIfNull(phoneNumbers);
        var valid = new List<string>();
        foreach (var phone in phoneNumbers)
        {
            if (ToE164(phone) is null)
            {
                skipped?.Invoke(phone);
            }
            else
            {
                valid.Add(phone);
            }
        }

        return new ContactAllowList(emails, valid);
    }

    public bool IsAllowed(PiiEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return entity.Category switch
        {
            PiiCategories.Email => _emails.Contains(entity.Text.Trim()),
            PiiCategories.PhoneNumber => ToE164(entity.Text) is { } e164 && _phones.Contains(e164),
            _ => false,
        };
    }

    private static string? ToE164(string number)
    {
        try
        {
            var parsed = Util.Parse(number, "GB");
            return Util.IsValidNumber(parsed) ? Util.Format(parsed, PhoneNumberFormat.E164) : null;
        }
        catch (NumberParseException)
        {
            // Not a number at all: an expected outcome for free text, so it is simply not allowed.
            return null;
        }
    }
}
