using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Meridian.Sats.Hashing;

// The hasher's fixed-size state, kept inside the struct so that hashing never allocates and a copy
// of the hasher is an independent snapshot. .NET 8 has inline arrays for this; elsewhere (Unity and
// other netstandard2.1 runtimes) the same storage is spelled out as sequential fields, reached
// through a span over the first one.
public partial struct Blake3Hasher
{
#if NET8_0_OR_GREATER
    [InlineArray(8)]
    private struct ChainingValue
    {
        private uint _element0;

        [UnscopedRef]
        public Span<uint> AsSpan() => this;

        [UnscopedRef]
        public readonly ReadOnlySpan<uint> AsReadOnlySpan() => this;
    }

    [InlineArray(16)]
    private struct MessageWords
    {
        private uint _element0;

        [UnscopedRef]
        public Span<uint> AsSpan() => this;
    }

    [InlineArray(64)]
    private struct BlockBytes
    {
        private byte _element0;

        [UnscopedRef]
        public Span<byte> AsSpan() => this;

        [UnscopedRef]
        public readonly ReadOnlySpan<byte> AsReadOnlySpan() => this;
    }

    [InlineArray(MaxStackDepth * CvWords)]
    private struct CvStack
    {
        private uint _element0;

        [UnscopedRef]
        public Span<uint> AsSpan() => this;

        [UnscopedRef]
        public readonly ReadOnlySpan<uint> AsReadOnlySpan() => this;
    }
#else
#pragma warning disable CS0169, IDE0044 // The fields after the first are read and written only through the span.
    private struct ChainingValue
    {
        private uint _w0, _w1, _w2, _w3, _w4, _w5, _w6, _w7;

        [UnscopedRef]
        public Span<uint> AsSpan() => Words(ref _w0, 8);

        [UnscopedRef]
        public readonly ReadOnlySpan<uint> AsReadOnlySpan() => ReadOnlyWords(in _w0, 8);
    }

    private struct MessageWords
    {
        private ChainingValue _low, _high;

        [UnscopedRef]
        public Span<uint> AsSpan() => Words(ref _low, 2);
    }

    private struct BlockBytes
    {
        private MessageWords _words;

        [UnscopedRef]
        public Span<byte> AsSpan() => MemoryMarshal.AsBytes(_words.AsSpan());

        [UnscopedRef]
        public readonly ReadOnlySpan<byte> AsReadOnlySpan() => MemoryMarshal.AsBytes(ReadOnlyWords(in _words, 1));
    }

    private struct CvStack
    {
        // 27 blocks of 16 words are the 54 chaining values of 8 words.
        private MessageWords _b0, _b1, _b2, _b3, _b4, _b5, _b6, _b7, _b8, _b9, _b10, _b11, _b12, _b13;
        private MessageWords _b14, _b15, _b16, _b17, _b18, _b19, _b20, _b21, _b22, _b23, _b24, _b25, _b26;

        [UnscopedRef]
        public Span<uint> AsSpan() => Words(ref _b0, MaxStackDepth * CvWords / 16);

        [UnscopedRef]
        public readonly ReadOnlySpan<uint> AsReadOnlySpan() => ReadOnlyWords(in _b0, MaxStackDepth * CvWords / 16);
    }
#pragma warning restore CS0169, IDE0044

    /// <summary>The words of <paramref name="count"/> consecutive <typeparamref name="T"/> starting at <paramref name="first"/>.</summary>
    private static Span<uint> Words<T>(ref T first, int count)
        where T : struct =>
        MemoryMarshal.Cast<T, uint>(MemoryMarshal.CreateSpan(ref first, count));

    // netstandard2.1's CreateReadOnlySpan wants a mutable ref; the span handed out is read-only all the same.
    private static ReadOnlySpan<uint> ReadOnlyWords<T>(in T first, int count)
        where T : struct =>
        MemoryMarshal.Cast<T, uint>(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.AsRef(in first), count));
#endif
}
