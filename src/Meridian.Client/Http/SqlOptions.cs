namespace Meridian.Client.Http;

/// <summary>How <see cref="MeridianHttpClient.SqlAsync"/> runs its statements.</summary>
public sealed class SqlOptions
{
    /// <summary>
    /// Read the database as it was right after this transaction offset (SELECT only, owner only;
    /// Meridian's own <c>?as_of=N</c>), or null for now.
    /// </summary>
    public ulong? AsOf { get; set; }

    /// <summary>Answer only with what is durable (the default); false answers sooner, maybe with data a crash could lose.</summary>
    public bool Confirmed { get; set; } = true;
}
