using System.Globalization;
using WWPS.PolicyBot.Cognitive.Policy;

namespace WWPS.PolicyBot.Dialogs.Escalations;

public sealed partial class EscalationService
{
    /// <summary>What the escalation says to users and staff; kept together so the voice stays the same.</summary>
    internal static class Words
    {
        public static string Number(Escalation e) => "#" + e.Id.ToString(CultureInfo.InvariantCulture);

        public static string UserName(Escalation e) =>
            e.IsAnonymous ? "someone who asked not to be named" : string.IsNullOrWhiteSpace(e.UserName) ? "the person who raised it" : e.UserName;

        public static string NewForStaff(Escalation e, TimeProvider time) =>
            $"New concern {Number(e)} from {UserName(e)} ({Source(e.Source)}):\n\n> {e.Summary.Replace("\n", "\n> ", StringComparison.Ordinal)}\n\n" +
            (e.Rerouted ? $"It came to you because it is about the {EscalationPerson.RoleTitle(e.RequestedRole)}. " : string.Empty) +
            $"Say \"accept {e.Id.ToString(CultureInfo.InvariantCulture)}\" to take it, or \"escalations\" to see everything waiting for you.";

        public static string Accepted(Escalation e, EscalationOptions options) =>
            $"{Capital(options.Person(e.Role).Title)} has picked up your concern ({Number(e)}) and will reply here. " +
            "Until they close it, what you write goes to them, not to me.";

        public static string Closed(Escalation e, EscalationOptions options) =>
            $"{Capital(options.Person(e.Role).Title)} has closed the conversation about your concern ({Number(e)}). " +
            "I'm back: ask me anything about the policy, or say \"talk to the Manager or Chair\" to raise something new.";

        public static string FromUser(Escalation e, string text) => $"From {UserName(e)} (via PolicyBot, {Number(e)}): {text}";

        public static string FromStaff(Escalation e, EscalationOptions options, string text) =>
            $"From {options.Person(e.Role).Title}: {text}";

        public static string TimedOut(Escalation e, EscalationOptions options, PolicyMetadata policy) =>
            $"Sorry: nobody has been able to pick up your concern ({Number(e)}) in time, so I've closed it. " +
            $"Please contact {options.Person(e.Role).Title} through the preschool{Contacts(policy)}.";

        public static string TimedOutForStaff(Escalation e) =>
            $"{Number(e)} from {UserName(e)} timed out before anyone accepted it. I've given them the preschool's contacts.";

        public static string Withdrawn(Escalation e) => $"{UserName(e)} has withdrawn {Number(e)}. It's closed; nothing more will reach you about it.";

        public static string CouldNotNotify(Escalation e, EscalationOptions options, PolicyMetadata policy, NotificationChannel channel) =>
            $"I'm sorry: I still couldn't reach {options.Person(e.Role).Title} {(channel == NotificationChannel.Chat ? "in their chat with me" : "by email")} " +
            $"about your concern ({Number(e)}). It's still waiting for them, but please also contact the preschool{Contacts(policy)}.";

        public static string EmailSubject(Escalation e) => $"PolicyBot: a concern is waiting for you ({Number(e)})";

        public static string EmailBody(Escalation e, EscalationPerson person, EscalationOptions options) =>
            $"Hello {person.DisplayName},\n\nSomeone has raised a concern with you through PolicyBot ({Number(e)}). To keep it private, " +
            "its details are only in your chat with the bot: open it and say \"escalations\".\n\n" +
            $"If nobody accepts it, it will time out at {options.Hours.DescribeOpening(e.Deadline)} ({e.Deadline.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC).\n";

        public static string Contacts(PolicyMetadata policy)
        {
            var parts = new List<string>();
            if (policy.ContactEmail is { } email)
            {
                parts.Add($"email {email}");
            }

            if (policy.ContactPhone is { } phone)
            {
                parts.Add($"phone {phone}");
            }

            return parts.Count == 0 ? string.Empty : ": " + string.Join(" or ", parts);
        }

        public static string Source(string source) => source switch
        {
            "question" => "a question the policy doesn't answer",
            "draft" => "a draft post the bot said not to post",
            _ => "a concern",
        };

        public static string Capital(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
    }
}
