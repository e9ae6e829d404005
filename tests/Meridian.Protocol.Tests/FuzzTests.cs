using Meridian.Protocol.Framing;
using Meridian.Protocol.Messages;
using Meridian.Sats.Bsatn;
using Xunit.Abstractions;

namespace Meridian.Protocol.Tests;

/// <summary>Random bytes into every decoder: the only failure allowed is a decode error.</summary>
public class FuzzTests(ITestOutputHelper output)
{
    private static readonly byte[][] Seeds =
    [
        [],
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 3, 0, 0, 0, 97, 98, 99],
        [3, 1, 0, 0, 0, 0, 3, 0, 0, 0, 97, 100, 100, 1, 0, 0, 0, 7],
        [1, 2, 0, 0, 0, 0, 0, 0, 0, 1],
    ];

    private static void Decoders(byte[] input)
    {
        try
        {
            ClientMessage.DecodeV2(input);
        }
        catch (BsatnDecodeException)
        {
        }
        try
        {
            ClientMessage.DecodeV3(input);
        }
        catch (BsatnDecodeException)
        {
        }
        try
        {
            ServerFrame.Decode(input);
        }
        catch (BsatnDecodeException)
        {
        }
    }

    [Fact]
    public void Every_decoder_accepts_empty_input_without_crashing() => Decoders([]);

    [Fact]
    public void Random_and_mutated_inputs_only_raise_decode_errors()
    {
        var seed = Environment.GetEnvironmentVariable("MERIDIAN_TEST_SEED") is { } s
            ? int.Parse(s, System.Globalization.CultureInfo.InvariantCulture)
            : Random.Shared.Next();
        output.WriteLine($"seed {seed} (replay with MERIDIAN_TEST_SEED={seed})");
        var random = new Random(seed);
        for (var i = 0; i < 20_000; i++)
        {
            byte[] input;
            if (i % 2 == 0)
            {
                input = new byte[random.Next(0, 64)];
                random.NextBytes(input);
                if (input.Length > 0)
                    input[0] = (byte)random.Next(0, 9);
            }
            else
            {
                input = Seeds[random.Next(Seeds.Length)].ToArray();
                for (var m = random.Next(1, 4); m > 0 && input.Length > 0; m--)
                    input[random.Next(input.Length)] = (byte)random.Next(256);
            }
            Decoders(input);
        }
    }
}
