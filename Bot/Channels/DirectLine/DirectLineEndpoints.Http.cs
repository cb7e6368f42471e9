using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using WWPS.PolicyBot.Plumbing;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.DirectLine;

/// <summary>
/// The HTTP edges of the endpoints: reading the bearer token and a bounded JSON body, and the error bodies in
/// Direct Line's own codes, which directlinejs reads by status and the page at / shows.
/// </summary>
internal static partial class DirectLineEndpoints
{
    internal static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        return header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) && header.Length > scheme.Length
            ? header[scheme.Length..].Trim()
            : null;
    }

    internal static string ServiceUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}{BasePath}/";

    private static int Seconds(TimeSpan span) => (int)Math.Max(0, Math.Floor(span.TotalSeconds));

    internal static IResult Denied(TokenCheck status) => status == TokenCheck.ConversationNotFound
        ? Error(StatusCodes.Status404NotFound, "NotFound", "Conversation not found or ended.")
        : Error(StatusCodes.Status403Forbidden, "TokenExpired", "Token missing, expired, or not valid for this conversation.");

    /// <summary>A public client asked for a user id kept for someone the bot trusts (staff open theirs from the console).</summary>
    internal static IResult Reserved() => Error(
        StatusCodes.Status403Forbidden, "Forbidden", "That user id is reserved for a member of staff, who opens their chat from the escalation console.");

    /// <summary>
    /// A message longer than the bot reads: refused before it is stored, in the service's own code for it, with the
    /// words the chat page shows.
    /// </summary>
    internal static IResult MessageTooLong(Activity activity) =>
        Error(StatusCodes.Status413PayloadTooLarge, "MessageSizeTooBig", LongMessageGuard.Refusal(activity.Text!.Length));

    internal static IResult BadRequest(string message) => Error(StatusCodes.Status400BadRequest, "BadArgument", message);

    internal static IResult TooBusy() => Error(StatusCodes.Status503ServiceUnavailable, "ServiceUnavailable", "Too many open conversations; try again shortly.");

    internal static IResult Error(int status, string code, string message) =>
        Results.Json(new ErrorResponse(new ErrorDetail(code, message)), Json.ErrorResponse, statusCode: status);

    private readonly record struct Body<T>(T? Value, IResult? Error);

    /// <summary>Reads a JSON body of at most <paramref name="maxBytes"/>; malformed JSON is the client's fault (400), never ours.</summary>
    private static async Task<Body<T>> ReadJsonAsync<T>(HttpContext http, JsonTypeInfo<T> typeInfo, int maxBytes, bool allowEmpty)
        where T : class
    {
        if (http.Request.ContentLength > maxBytes)
        {
            return new(null, Error(StatusCodes.Status413PayloadTooLarge, "BadArgument", "Request body too large."));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return new(null, Error(StatusCodes.Status413PayloadTooLarge, "BadArgument", "Request body too large."));
            }

            buffer.Write(chunk, 0, read);
        }

        if (buffer.Length == 0)
        {
            return allowEmpty ? new(null, null) : new(null, BadRequest("A JSON body is required."));
        }

        try
        {
            var value = JsonSerializer.Deserialize(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), typeInfo);
            return value is null && !allowEmpty ? new(null, BadRequest("A JSON body is required.")) : new(value, null);
        }
        catch (JsonException)
        {
            // The parser's message quotes the input, which may be what a parent typed: it is not passed on or logged.
            return new(null, BadRequest("The body is not valid JSON for this call."));
        }
    }
}
