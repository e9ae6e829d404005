using SpacetimeDB;

public static partial class Module
{
    [Reducer]
    public static void AddDictionaryEntry(ReducerContext ctx, string trigger, string replacement, string suffix, bool autoEnter)
    {
        trigger = CheckTrigger(ctx, trigger, exceptId: null);
        ctx.Db.dictionary_entries.Insert(new DictionaryEntry
        {
            Trigger = trigger, Replacement = replacement, Enabled = true, Suffix = suffix, AutoEnter = autoEnter,
        });
    }

    [Reducer]
    public static void UpdateDictionaryEntry(ReducerContext ctx, ulong id, string trigger, string replacement, string suffix, bool autoEnter, bool enabled)
    {
        if (ctx.Db.dictionary_entries.Id.Find(id) is null)
            throw new Exception($"The dictionary entry '{trigger}' no longer exists (it was deleted, perhaps on another device).");
        trigger = CheckTrigger(ctx, trigger, exceptId: id);
        ctx.Db.dictionary_entries.Id.Update(new DictionaryEntry
        {
            Id = id, Trigger = trigger, Replacement = replacement, Enabled = enabled, Suffix = suffix, AutoEnter = autoEnter,
        });
    }

    [Reducer]
    public static void DeleteDictionaryEntry(ReducerContext ctx, ulong id)
    {
        if (!ctx.Db.dictionary_entries.Id.Delete(id))
            throw new Exception($"There is no dictionary entry {id} (it may have been deleted already).");
    }

    // Two expansions of one trigger would be ambiguous; the unique index would refuse it too, with a less helpful message.
    private static string CheckTrigger(ReducerContext ctx, string trigger, ulong? exceptId)
    {
        trigger = trigger.Trim();
        if (trigger.Length == 0)
            throw new Exception("A dictionary entry needs a trigger.");
        if (ctx.Db.dictionary_entries.Trigger.Find(trigger) is { } existing && existing.Id != exceptId)
            throw new Exception($"The dictionary already has '{trigger}' (expanding to '{existing.Replacement}').");
        return trigger;
    }
}
