using System.Text.Json;
using System.Text.Json.Serialization;
using Meridian.Benchmarks.Harness;
using Meridian.Sats.Bsatn;
using Meridian.Sats.Types;
using Meridian.Sats.Values;

namespace Meridian.Benchmarks.Sats;

/// <summary>
/// BSATN against System.Text.Json on the same 100 <c>person(id u32, age u64, name string)</c> rows.
/// The BSATN side is the typed serializer a module's generated code uses; the JSON side uses
/// System.Text.Json's source-generated (fastest) path.
/// </summary>
public static class SatsSuite
{
    private const int Rows = 100;
    private const string Suite = "sats";
    private const string Baseline = "System.Text.Json (source-generated)";

    /// <summary>Runs the suite.</summary>
    public static IReadOnlyList<BenchmarkResult> Run(BenchmarkOptions options)
    {
        var people = BenchData.People(Rows, 1000);
        var writer = new BsatnWriter(8192);
        var jsonBuffer = new System.Buffers.ArrayBufferWriter<byte>(16384);
        var jsonWriter = new Utf8JsonWriter(jsonBuffer);

        void EncodeBsatn()
        {
            writer.Reset();
            foreach (var p in people)
                WritePerson(writer, p);
        }

        void EncodeJson()
        {
            jsonBuffer.ResetWrittenCount();
            jsonWriter.Reset(jsonBuffer);
            JsonSerializer.Serialize(jsonWriter, people, PersonJsonContext.Default.PersonArray);
        }

        EncodeBsatn();
        var bsatn = writer.ToArray();
        EncodeJson();
        var json = jsonBuffer.WrittenSpan.ToArray();
        var decoded = new Person[Rows];

        void DecodeBsatn()
        {
            var reader = new BsatnReader(bsatn);
            for (var i = 0; i < decoded.Length; i++)
                decoded[i] = ReadPerson(ref reader);
        }

        void DecodeJson() => decoded = JsonSerializer.Deserialize(json, PersonJsonContext.Default.PersonArray)!;

        Verify(people, bsatn, json);

        var rowType = AlgebraicType.Product(("id", AlgebraicType.U32), ("age", AlgebraicType.U64), ("name", AlgebraicType.String));
        var values = people.Select(p => (AlgebraicValue)AlgebraicValue.Product(
            AlgebraicValue.U32(p.Id), AlgebraicValue.U64(p.Age), AlgebraicValue.String(p.Name))).ToArray();

        void EncodeValues()
        {
            writer.Reset();
            foreach (var v in values)
                v.WriteBsatn(writer);
        }

        void DecodeValues()
        {
            var reader = new BsatnReader(bsatn);
            for (var i = 0; i < Rows; i++)
                values[i] = AlgebraicValue.ReadBsatn(ref reader, rowType);
        }

        var (encB, encJ) = Measure.Compare(options, EncodeBsatn, EncodeJson, Rows);
        var (decB, decJ) = Measure.Compare(options, DecodeBsatn, DecodeJson, Rows);
        var encV = Measure.Run(options, EncodeValues, Rows);
        var decV = Measure.Run(options, DecodeValues, Rows);

        return
        [
            BenchmarkResult.LowerIsBetter(Suite, "encode person row (typed BSATN)", "ns/row", encB.NanosPerOp, encJ.NanosPerOp, Baseline, null),
            BenchmarkResult.LowerIsBetter(Suite, "decode person row (typed BSATN)", "ns/row", decB.NanosPerOp, decJ.NanosPerOp, Baseline, null),
            BenchmarkResult.LowerIsBetter(
                Suite,
                "encode+decode person row (typed BSATN)",
                "ns/row",
                encB.NanosPerOp + decB.NanosPerOp,
                encJ.NanosPerOp + decJ.NanosPerOp,
                Baseline,
                ">= 5x"),
            BenchmarkResult.LowerIsBetter(Suite, "encode allocations (typed BSATN)", "B/row", encB.BytesPerOp, encJ.BytesPerOp, Baseline, null),
            BenchmarkResult.LowerIsBetter(Suite, "decode allocations (typed BSATN)", "B/row", decB.BytesPerOp, decJ.BytesPerOp, Baseline, null),
            BenchmarkResult.LowerIsBetter(
                Suite, "encode person row (schema-driven AlgebraicValue)", "ns/row", encV.NanosPerOp, encJ.NanosPerOp, Baseline, null),
            BenchmarkResult.LowerIsBetter(
                Suite, "decode person row (schema-driven AlgebraicValue)", "ns/row", decV.NanosPerOp, decJ.NanosPerOp, Baseline, null),
            BenchmarkResult.LowerIsBetter(Suite, "encoded size", "B/row", (double)bsatn.Length / Rows, (double)json.Length / Rows, Baseline, null),
        ];
    }

    private static void WritePerson(BsatnWriter w, Person p)
    {
        w.WriteU32(p.Id);
        w.WriteU64(p.Age);
        w.WriteString(p.Name);
    }

    private static Person ReadPerson(ref BsatnReader r) => new() { Id = r.ReadU32(), Age = r.ReadU64(), Name = r.ReadString() };

    // Both encodings must describe the same rows, or the comparison means nothing.
    private static void Verify(Person[] people, byte[] bsatn, byte[] json)
    {
        var reader = new BsatnReader(bsatn);
        var fromJson = JsonSerializer.Deserialize(json, PersonJsonContext.Default.PersonArray)!;
        for (var i = 0; i < people.Length; i++)
        {
            var b = ReadPerson(ref reader);
            var j = fromJson[i];
            if (b.Id != people[i].Id || b.Age != people[i].Age || b.Name != people[i].Name || j.Id != b.Id || j.Age != b.Age || j.Name != b.Name)
                throw new InvalidOperationException($"Row {i} differs between the encodings.");
        }
        reader.EnsureAtEnd();
    }
}

/// <summary>Source-generated System.Text.Json metadata for the baseline.</summary>
[JsonSerializable(typeof(Person[]))]
internal sealed partial class PersonJsonContext : JsonSerializerContext;
