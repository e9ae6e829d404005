namespace Meridian.Sats.ModuleDef;

/// <summary>
/// A versioned module definition: the sum <c>RawModuleDef</c> with V8BackCompat = 0, V9 = 1 and
/// V10 = 2. Only V10 is modelled; decoding a V8 or V9 definition is a clear error.
/// </summary>
public sealed partial record RawModuleDef(RawModuleDefV10 V10)
{
    /// <summary>BSATN tag of <c>V8BackCompat</c>.</summary>
    public const byte V8BackCompatTag = 0;

    /// <summary>BSATN tag of <c>V9</c> (reserved: not decoded).</summary>
    public const byte V9Tag = 1;

    /// <summary>BSATN tag of <c>V10</c>.</summary>
    public const byte V10Tag = 2;
}
