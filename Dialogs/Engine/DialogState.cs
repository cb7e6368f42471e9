using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Dialogs.Engine;

/// <summary>The dialog stack as kept in conversation state, bottom first.</summary>
public sealed class DialogState
{
    public List<DialogInstance> Stack { get; init; } = [];

    /// <summary>The conversation-state property that holds the root dialog stack.</summary>
    public static StateProperty<DialogState> CreateProperty(ConversationState conversationState, string name = "dialogState")
    {
        ArgumentNullException.ThrowIfNull(conversationState);
        return conversationState.CreateProperty(name, EngineJsonContext.Default.DialogState);
    }
}

/// <summary>
/// One entry on the stack. A dialog keeps its state here as JSON; during a turn the state is a live typed object
/// (see <see cref="GetState{T}"/>) and is turned back into JSON only when the stack is saved, so changes made in
/// place are kept and numbers never come back as a different type. Saving writes the live state straight into the
/// stack's JSON (<see cref="DialogInstanceConverter"/>), one pass however deep the stack.
/// </summary>
[JsonConverter(typeof(DialogInstanceConverter))]
public sealed class DialogInstance
{
    private IStateBox? _live;

    public required string Id { get; init; }

    public JsonElement? State { get; set; }

    /// <summary>The dialog's state for this turn, read from JSON once, or made by <paramref name="create"/>.</summary>
    public T GetState<T>(JsonTypeInfo<T> typeInfo, Func<T> create)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        ArgumentNullException.ThrowIfNull(create);
        return GetBox(json => new StateBox<T>(json is { } j ? j.Deserialize(typeInfo)! : create(), typeInfo)).Value;
    }

    public void SetState<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        _live = new StateBox<T>(value, typeInfo);
    }

    internal TBox GetBox<TBox>(Func<JsonElement?, TBox> load)
        where TBox : class, IStateBox
    {
        if (_live is TBox box)
        {
            return box;
        }

        if (_live is not null)
        {
            throw new InvalidOperationException($"Dialog '{Id}' state is already in use with another type.");
        }

        box = load(State);
        _live = box;
        return box;
    }

    internal void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString(DialogInstanceConverter.IdName, Id);
        if (_live is not null)
        {
            writer.WritePropertyName(DialogInstanceConverter.StateName);
            _live.WriteTo(writer);
        }
        else if (State is { } state)
        {
            writer.WritePropertyName(DialogInstanceConverter.StateName);
            state.WriteTo(writer);
        }

        writer.WriteEndObject();
    }
}

/// <summary><c>{"id": "…", "state": …}</c>, the state written from the live object when there is one.</summary>
internal sealed class DialogInstanceConverter : JsonConverter<DialogInstance>
{
    internal const string IdName = "id";
    internal const string StateName = "state";

    public override DialogInstance Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("A dialog on the stack must be a JSON object.");
        }

        string? id = null;
        JsonElement? state = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString();
            reader.Read();
            if (name == IdName)
            {
                id = reader.GetString();
            }
            else if (name == StateName && reader.TokenType != JsonTokenType.Null)
            {
                state = JsonElement.ParseValue(ref reader);
            }
            else
            {
                reader.Skip();
            }
        }

        return new DialogInstance { Id = id ?? throw new JsonException("A dialog on the stack has no id."), State = state };
    }

    public override void Write(Utf8JsonWriter writer, DialogInstance value, JsonSerializerOptions options) => value.WriteTo(writer);
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DialogState))]
[JsonSerializable(typeof(WaterfallState))]
[JsonSerializable(typeof(PromptState))]
internal sealed partial class EngineJsonContext : JsonSerializerContext;
