using System.Buffers.Binary;

namespace Meridian.Sats.Hashing;

/// <summary>
/// Incremental BLAKE3 (default hash mode): feed input in any number of pieces with
/// <see cref="Update"/>, then read the digest, of any length, with <see cref="Finalize"/>.
/// The result equals <see cref="Blake3.Hash(ReadOnlySpan{byte}, Span{byte})"/> of the concatenated input.
/// </summary>
/// <remarks>
/// <para>
/// This is a mutable struct of about 1.9 KB that lives wherever it is declared, so hashing never
/// allocates. Keep it in a local or a field and pass it by <see langword="ref"/>: a copy is an
/// independent snapshot of the state (handy for hashing a common prefix once, but easy to misuse).
/// </para>
/// <para>
/// <c>default(Blake3Hasher)</c> and <c>new Blake3Hasher()</c> are both an empty hasher.
/// <see cref="Finalize"/> does not change the state, so more input may follow it.
/// An instance is not safe for concurrent use.
/// </para>
/// </remarks>
public partial struct Blake3Hasher
{
    // A complete tree over at most 2^64 bytes, i.e. 2^54 chunks, never holds more than 54 pending subtrees.
    private const int MaxStackDepth = 54;
    private const int CvWords = 8;

    // Chaining value of the current chunk; meaningful only once _blocksCompressed > 0.
    private ChainingValue _chunkCv;

    // The current chunk's last, not yet compressed block. It is compressed only when more input
    // arrives, because the final block of a chunk needs the CHUNK_END flag.
    private BlockBytes _block;
    private int _blockLength;
    private int _blocksCompressed;

    // Index of the current chunk, which is also how many chunks are complete before it.
    private ulong _chunkCounter;

    // Chaining values of complete subtrees waiting for a right sibling, left to right.
    private CvStack _cvStack;
    private int _cvStackLength;

    /// <summary>Adds <paramref name="input"/> to the data being hashed.</summary>
    /// <param name="input">The next bytes of the input; any length, including none.</param>
    public void Update(ReadOnlySpan<byte> input)
    {
        while (!input.IsEmpty)
        {
            // The current chunk is full and more input follows: it is not the last chunk,
            // so finish it and add its chaining value to the tree.
            if (_blocksCompressed * Blake3.BlockLength + _blockLength == Blake3.ChunkLength)
            {
                ChainingValue chunkCv = default;
                FinishChunk(chunkCv.AsSpan());
                AddChunkChainingValue(chunkCv.AsSpan(), _chunkCounter + 1);
                _chunkCounter++;
                _blocksCompressed = 0;
                _blockLength = 0;
            }

            var room = Blake3.ChunkLength - (_blocksCompressed * Blake3.BlockLength) - _blockLength;
            var take = Math.Min(room, input.Length);
            UpdateChunk(input[..take]);
            input = input[take..];
        }
    }

    /// <summary>
    /// Writes the digest of all input so far into <paramref name="output"/>, filling all of it.
    /// The hasher is unchanged, so it may take more input or finalize again.
    /// </summary>
    /// <param name="output">
    /// Receives the digest. <see cref="Blake3.OutputLength"/> (32) bytes is the standard hash; any other
    /// length is BLAKE3's extendable output, of which a shorter output is always a prefix.
    /// </param>
    public readonly void Finalize(Span<byte> output)
    {
        if (output.IsEmpty)
        {
            return;
        }

        // The output node starts as the current (last) chunk's final block ...
        ChainingValue nodeCvStorage = default;
        MessageWords nodeBlockStorage = default;
        Span<uint> nodeCv = nodeCvStorage.AsSpan();
        Span<uint> nodeBlock = nodeBlockStorage.AsSpan();

        var flags = Blake3.ChunkEnd;
        if (_blocksCompressed == 0)
        {
            Blake3.WriteIv(nodeCv);
            flags |= Blake3.ChunkStart;
        }
        else
        {
            _chunkCv.AsReadOnlySpan().CopyTo(nodeCv);
        }

        Span<byte> padded = stackalloc byte[Blake3.BlockLength];
        padded.Clear();
        _block.AsReadOnlySpan()[.._blockLength].CopyTo(padded);
        LoadWords(padded, nodeBlock);
        var counter = _chunkCounter;
        var blockLength = (uint)_blockLength;

        // ... and climbs the right edge of the tree: each pending subtree on the stack becomes the
        // left child of a parent whose right child is the node so far.
        ReadOnlySpan<uint> stack = _cvStack.AsReadOnlySpan();
        for (var i = _cvStackLength - 1; i >= 0; i--)
        {
            Blake3.Compress(nodeCv, nodeBlock, counter, blockLength, flags, nodeBlock[CvWords..]);
            stack.Slice(i * CvWords, CvWords).CopyTo(nodeBlock);
            Blake3.WriteIv(nodeCv);
            counter = 0;
            blockLength = Blake3.BlockLength;
            flags = Blake3.Parent;
        }

        // The root node: its output blocks, numbered by the counter, are the extendable output.
        MessageWords rootWordsStorage = default;
        Span<uint> rootWords = rootWordsStorage.AsSpan();
        Span<byte> rootBytes = stackalloc byte[Blake3.BlockLength];
        for (ulong outputBlock = 0; !output.IsEmpty; outputBlock++)
        {
            Blake3.Compress(nodeCv, nodeBlock, outputBlock, blockLength, flags | Blake3.Root, rootWords);
            if (output.Length >= Blake3.BlockLength)
            {
                StoreWords(rootWords, output);
                output = output[Blake3.BlockLength..];
            }
            else
            {
                StoreWords(rootWords, rootBytes);
                rootBytes[..output.Length].CopyTo(output);
                output = default;
            }
        }
    }

    /// <summary>Forgets all input, returning to the empty state.</summary>
    public void Reset() => this = default;

    /// <summary>Adds input that fits in the current chunk.</summary>
    private void UpdateChunk(ReadOnlySpan<byte> input)
    {
        while (!input.IsEmpty)
        {
            if (_blockLength == Blake3.BlockLength)
            {
                // More input follows, so the buffered block is not the chunk's last.
                CompressChunkBlock(_block.AsReadOnlySpan());
                _blockLength = 0;
            }

            if (_blockLength == 0)
            {
                // Compress whole blocks straight from the input, keeping back the last one.
                while (input.Length > Blake3.BlockLength)
                {
                    CompressChunkBlock(input[..Blake3.BlockLength]);
                    input = input[Blake3.BlockLength..];
                }
            }

            var take = Math.Min(Blake3.BlockLength - _blockLength, input.Length);
            input[..take].CopyTo(_block.AsSpan()[_blockLength..]);
            _blockLength += take;
            input = input[take..];
        }
    }

    /// <summary>Compresses a full block of the current chunk that is not its last block.</summary>
    private void CompressChunkBlock(ReadOnlySpan<byte> block)
    {
        MessageWords wordsStorage = default;
        Span<uint> words = wordsStorage.AsSpan();
        LoadWords(block, words);

        Span<uint> cv = _chunkCv.AsSpan();
        uint flags = 0;
        if (_blocksCompressed == 0)
        {
            Blake3.WriteIv(cv);
            flags = Blake3.ChunkStart;
        }

        Blake3.Compress(cv, words, _chunkCounter, Blake3.BlockLength, flags, cv);
        _blocksCompressed++;
    }

    /// <summary>Computes the chaining value of the full current chunk (its last block gets CHUNK_END).</summary>
    private readonly void FinishChunk(Span<uint> chunkCv)
    {
        MessageWords wordsStorage = default;
        Span<uint> words = wordsStorage.AsSpan();
        LoadWords(_block.AsReadOnlySpan(), words);

        // A full chunk has compressed 15 blocks already, so it is never also the chunk's first block.
        Blake3.Compress(_chunkCv.AsReadOnlySpan(), words, _chunkCounter, Blake3.BlockLength, Blake3.ChunkEnd, chunkCv);
    }

    /// <summary>
    /// Pushes a finished chunk's chaining value, first merging every complete subtree it closes:
    /// one merge per trailing zero bit of the number of chunks finished so far.
    /// </summary>
    private void AddChunkChainingValue(ReadOnlySpan<uint> chunkCv, ulong totalChunks)
    {
        ChainingValue keyStorage = default;
        MessageWords parentStorage = default;
        Span<uint> key = keyStorage.AsSpan();
        Span<uint> parent = parentStorage.AsSpan();
        Span<uint> stack = _cvStack.AsSpan();
        Blake3.WriteIv(key);

        // The second half of the parent block holds the right child, the new subtree.
        chunkCv.CopyTo(parent[CvWords..]);
        while ((totalChunks & 1) == 0)
        {
            _cvStackLength--;
            stack.Slice(_cvStackLength * CvWords, CvWords).CopyTo(parent);
            Blake3.Compress(key, parent, 0, Blake3.BlockLength, Blake3.Parent, parent[CvWords..]);
            totalChunks >>= 1;
        }

        parent[CvWords..].CopyTo(stack.Slice(_cvStackLength * CvWords, CvWords));
        _cvStackLength++;
    }

    private static void LoadWords(ReadOnlySpan<byte> block, Span<uint> words)
    {
        for (var i = 0; i < 16; i++)
        {
            words[i] = BinaryPrimitives.ReadUInt32LittleEndian(block.Slice(i * 4, 4));
        }
    }

    private static void StoreWords(ReadOnlySpan<uint> words, Span<byte> block)
    {
        for (var i = 0; i < 16; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(block.Slice(i * 4, 4), words[i]);
        }
    }
}
