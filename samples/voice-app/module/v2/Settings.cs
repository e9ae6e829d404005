using System.Text.Json;
using SpacetimeDB;

public static partial class Module
{
    /// <summary>Sets one setting; <paramref name="value"/> must be JSON (settings.json held JSON values).</summary>
    [Reducer]
    public static void SetSetting(ReducerContext ctx, string key, string value)
    {
        if (string.IsNullOrWhiteSpace(key))
            throw new Exception("A setting needs a key.");
        try
        {
            using var _ = JsonDocument.Parse(value);
        }
        catch (JsonException e)
        {
            throw new Exception($"The value of setting '{key}' is not JSON: {e.Message}");
        }
        ctx.Db.settings.Key.Delete(key);
        ctx.Db.settings.Insert(new Setting { Key = key, Value = value, UpdatedAt = ctx.Timestamp });
    }
}
