namespace Meridian.Storage.Schema;

/// <summary>
/// An auto-increment sequence on an integer column. When a row is inserted with 0 in the column,
/// the next value of the sequence is written there (as upstream does); any other value is kept.
/// </summary>
public sealed class SequenceSchema
{
    /// <summary>Creates a sequence definition.</summary>
    /// <param name="name">Name, unique within the table.</param>
    /// <param name="column">Column position the sequence fills.</param>
    /// <param name="start">First value handed out.</param>
    /// <param name="min">Smallest allowed value.</param>
    /// <param name="max">Largest allowed value.</param>
    /// <param name="increment">Step between values; not zero, may be negative.</param>
    public SequenceSchema(string name, int column, Int128 start, Int128 min, Int128 max, Int128 increment)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (increment == 0)
            throw new ArgumentException($"Sequence '{name}' has an increment of 0.", nameof(increment));
        if (min > max)
            throw new ArgumentException($"Sequence '{name}' has min {min} above max {max}.", nameof(min));
        if (start < min || start > max)
            throw new ArgumentException($"Sequence '{name}' starts at {start}, outside [{min}, {max}].", nameof(start));
        Name = name;
        Column = column;
        Start = start;
        Min = min;
        Max = max;
        Increment = increment;
    }

    /// <summary>A sequence 1, 2, 3, … up to <paramref name="max"/>.</summary>
    public static SequenceSchema Ascending(string name, int column, Int128 max) => new(name, column, 1, 1, max, 1);

    /// <summary>Name, unique within the table.</summary>
    public string Name { get; }

    /// <summary>Column position the sequence fills.</summary>
    public int Column { get; }

    /// <summary>First value handed out.</summary>
    public Int128 Start { get; }

    /// <summary>Smallest allowed value.</summary>
    public Int128 Min { get; }

    /// <summary>Largest allowed value.</summary>
    public Int128 Max { get; }

    /// <summary>Step between values.</summary>
    public Int128 Increment { get; }
}
