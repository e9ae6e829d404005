using System.Security.Cryptography;
using Meridian.Sats;

namespace Meridian.Server.Http;

/// <summary>
/// Modules uploaded to <c>pre_publish</c>, kept for a while so the publish that follows the plan can name
/// the module by its hash (<c>PUT /v1/database/:name?module_hash=HEX</c>) instead of uploading it again.
/// Each is kept for its uploader only, for <see cref="Lifetime"/>, within <see cref="MaxBytes"/> in all
/// (the oldest go first); a publish that finds its module gone gets 412 and uploads it.
/// </summary>
internal sealed class HeldModules(TimeProvider time)
{
    /// <summary>How long a module is kept after its last upload: a person reading the plan and answering the prompt.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    /// <summary>The most bytes kept in all.</summary>
    public const long MaxBytes = 128L << 20;

    private readonly Lock _gate = new();
    private readonly LinkedList<Held> _byAge = new();
    private long _bytes;

    /// <summary>The lowercase hex SHA-256 of <paramref name="image"/>, the name a publish uses for it.</summary>
    public static string HashOf(byte[] image) => Convert.ToHexStringLower(SHA256.HashData(image));

    /// <summary>Keeps <paramref name="image"/> for <paramref name="owner"/>; returns its hash.</summary>
    public string Hold(Identity owner, byte[] image)
    {
        var hash = HashOf(image);
        var now = time.GetUtcNow();
        lock (_gate)
        {
            Expire(now);
            if (image.LongLength > MaxBytes)
                return hash;
            Remove(owner, hash);
            _byAge.AddLast(new Held(owner, hash, image, now + Lifetime));
            _bytes += image.LongLength;
            while (_bytes > MaxBytes && _byAge.First is { } oldest)
                Drop(oldest);
        }
        return hash;
    }

    /// <summary>The module <paramref name="owner"/> uploaded with hash <paramref name="hash"/>, or null when it is not (or no longer) kept.</summary>
    public byte[]? Find(Identity owner, string hash)
    {
        lock (_gate)
        {
            Expire(time.GetUtcNow());
            for (var node = _byAge.First; node is not null; node = node.Next)
            {
                if (node.Value.Owner == owner && string.Equals(node.Value.Hash, hash, StringComparison.OrdinalIgnoreCase))
                    return node.Value.Image;
            }
            return null;
        }
    }

    /// <summary>Forgets the module once it is published.</summary>
    public void Release(Identity owner, string hash)
    {
        lock (_gate)
            Remove(owner, hash);
    }

    private void Remove(Identity owner, string hash)
    {
        for (var node = _byAge.First; node is not null; node = node.Next)
        {
            if (node.Value.Owner == owner && string.Equals(node.Value.Hash, hash, StringComparison.OrdinalIgnoreCase))
            {
                Drop(node);
                return;
            }
        }
    }

    private void Expire(DateTimeOffset now)
    {
        while (_byAge.First is { } oldest && oldest.Value.Expires <= now)
            Drop(oldest);
    }

    private void Drop(LinkedListNode<Held> node)
    {
        _bytes -= node.Value.Image.LongLength;
        _byAge.Remove(node);
    }

    private sealed record Held(Identity Owner, string Hash, byte[] Image, DateTimeOffset Expires);
}
