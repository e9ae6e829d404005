namespace Meridian.Benchmarks.Harness;

/// <summary>A row of the upstream <c>u32_u64_str</c> ("person") schema.</summary>
public sealed class Person
{
    /// <summary>Column 0.</summary>
    public uint Id { get; set; }

    /// <summary>Column 1.</summary>
    public ulong Age { get; set; }

    /// <summary>Column 2.</summary>
    public string Name { get; set; } = "";
}

/// <summary>A row of the upstream <c>u32_u64_u64</c> ("location") schema.</summary>
public sealed class Location
{
    /// <summary>Column 0.</summary>
    public uint Id { get; set; }

    /// <summary>Column 1.</summary>
    public ulong X { get; set; }

    /// <summary>Column 2.</summary>
    public ulong Y { get; set; }
}

/// <summary>The upstream benchmark data generator (benchmarks.md §1.5), reproduced exactly so both sides see identical rows.</summary>
public static class BenchData
{
    /// <summary>The seed every upstream generic benchmark uses.</summary>
    public const ulong Seed = 0xdeadbeef;

    private static readonly string[] First =
    [
        "Anthony", "Tony", "Antonio", "Barbara", "Charles", "Daniel", "Danyl", "Darkholder Fleshbane",
        "Dan", "David", "Droog", "Elizabeth", "Liz", "James", "Jim", "Jimmy",
        "Jennifer", "Jen", "John", "Linda", "Lindy", "Margaret", "Marge", "Mary",
        "Michael", "Nutmeg", "Richard", "Dick", "Robert", "Thomas", "Tom", "Zanzibar",
    ];

    private static readonly string[] Last =
    [
        "Anderson", "Brown", "Carter", "Cook", "Davis", "Frogson", "Garcia", "Green",
        "Hall", "Harris", "Hill", "Hunch", "Jackson", "Johnson", "Jones", "Lewis",
        "Martin", "Miller", "Moore", "Morgan", "Robinson", "Sanchez", "Smith", "Taylor",
        "The Destroyer", "Thomas", "Thompson", "Walker", "White", "Williams", "Wilson", "Wood",
    ];

    /// <summary>The xorshift generator: returns the current state, then advances it.</summary>
    public struct XorShiftLite(ulong seed)
    {
        private ulong _state = seed;

        /// <summary>The next value.</summary>
        public ulong Next()
        {
            var current = _state;
            _state ^= _state << 13;
            _state ^= _state >> 7;
            _state ^= _state << 17;
            return current;
        }
    }

    /// <summary><c>"{LAST[(n / 32) % 32]}, {FIRST[n % 32]} [{n / 1024}]"</c>.</summary>
    public static string NthName(ulong n) => $"{Last[(int)(n / 32 % 32)]}, {First[(int)(n % 32)]} [{n / 1024}]";

    /// <summary>Person rows with ids 0..count-1.</summary>
    public static Person[] People(int count, ulong buckets, ulong seed = Seed)
    {
        var rng = new XorShiftLite(seed);
        var rows = new Person[count];
        for (var i = 0; i < count; i++)
        {
            var name = NthName(rng.Next() % buckets);
            var age = rng.Next() % buckets;
            rows[i] = new Person { Id = (uint)i, Age = age, Name = name };
        }
        return rows;
    }

    /// <summary>Location rows with ids 0..count-1.</summary>
    public static Location[] Locations(int count, ulong buckets, ulong seed = Seed)
    {
        var rng = new XorShiftLite(seed);
        var rows = new Location[count];
        for (var i = 0; i < count; i++)
        {
            var x = rng.Next() % buckets;
            var y = rng.Next() % buckets;
            rows[i] = new Location { Id = (uint)i, X = x, Y = y };
        }
        return rows;
    }
}
