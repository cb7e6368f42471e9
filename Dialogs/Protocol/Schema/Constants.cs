namespace WWPS.PolicyBot.Protocol;

/// <summary>Activity types from the spec (§1). Compare exactly; unknown types are ignored, not rejected.</summary>
public static class ActivityTypes
{
    public const string Message = "message";
    public const string ConversationUpdate = "conversationUpdate";
    public const string Typing = "typing";
    public const string Event = "event";
    public const string Invoke = "invoke";
    public const string EndOfConversation = "endOfConversation";
    public const string InstallationUpdate = "installationUpdate";
    public const string MessageReaction = "messageReaction";
}

public static class ActionTypes
{
    public const string ImBack = "imBack";
    public const string PostBack = "postBack";
    public const string MessageBack = "messageBack";
    public const string OpenUrl = "openUrl";
}

public static class InputHints
{
    public const string Accepting = "accepting";
    public const string Expecting = "expecting";
    public const string Ignoring = "ignoring";
}

public static class TextFormats
{
    public const string Plain = "plain";
    public const string Markdown = "markdown";
    public const string Xml = "xml";
}

public static class DeliveryModes
{
    public const string Normal = "normal";
    public const string Notification = "notification";

    /// <summary>The caller wants every reply in the HTTP response instead of callbacks (§1 expectReplies).</summary>
    public const string ExpectReplies = "expectReplies";
}

public static class RoleTypes
{
    public const string User = "user";
    public const string Bot = "bot";
}

public static class Channels
{
    public const string MsTeams = "msteams";
    public const string WebChat = "webchat";
    public const string DirectLine = "directline";
    public const string Emulator = "emulator";
    public const string Slack = "slack";
    public const string Test = "test";
}
