namespace Meridian.Sats.Hashing;

/// <summary>BLAKE3 hashing (placeholder until the implementation lands).</summary>
public static class Blake3
{
}
