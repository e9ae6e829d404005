using System.Text.Json;
using SpacetimeDB;

public static partial class Module
{
    /// <summary>The actions heycat can run for a voice command.</summary>
    public static readonly string[] ActionTypes = ["open_app", "type_text", "system_control", "workflow", "custom"];

    [Reducer]
    public static void AddVoiceCommand(ReducerContext ctx, string phrase, string actionType, string actionPayload)
    {
        CheckVoiceCommand(phrase, actionType, actionPayload);
        ctx.Db.voice_commands.Insert(new VoiceCommand { Phrase = phrase.Trim(), ActionType = actionType, ActionPayload = actionPayload, Enabled = true });
    }

    [Reducer]
    public static void UpdateVoiceCommand(ReducerContext ctx, ulong id, string phrase, string actionType, string actionPayload, bool enabled)
    {
        if (ctx.Db.voice_commands.Id.Find(id) is null)
            throw new Exception($"The voice command '{phrase}' no longer exists (it was deleted, perhaps on another device).");
        CheckVoiceCommand(phrase, actionType, actionPayload);
        ctx.Db.voice_commands.Id.Update(new VoiceCommand
        {
            Id = id, Phrase = phrase.Trim(), ActionType = actionType, ActionPayload = actionPayload, Enabled = enabled,
        });
    }

    [Reducer]
    public static void DeleteVoiceCommand(ReducerContext ctx, ulong id)
    {
        if (!ctx.Db.voice_commands.Id.Delete(id))
            throw new Exception($"There is no voice command {id} (it may have been deleted already).");
    }

    private static void CheckVoiceCommand(string phrase, string actionType, string actionPayload)
    {
        if (string.IsNullOrWhiteSpace(phrase))
            throw new Exception("A voice command needs a phrase.");
        if (Array.IndexOf(ActionTypes, actionType) < 0)
            throw new Exception($"'{actionType}' is not an action heycat knows ({string.Join(", ", ActionTypes)}).");
        try
        {
            using var payload = JsonDocument.Parse(actionPayload);
            if (payload.RootElement.ValueKind != JsonValueKind.Object)
                throw new Exception($"The parameters of '{phrase}' must be a JSON object.");
        }
        catch (JsonException e)
        {
            throw new Exception($"The parameters of '{phrase}' are not JSON: {e.Message}");
        }
    }
}
