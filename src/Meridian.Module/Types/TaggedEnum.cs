using System.Runtime.CompilerServices;

namespace SpacetimeDB;

/// <summary>
/// Base of a sum type: <c>partial record Shape : TaggedEnum&lt;(Circle Circle, Square Square)&gt;</c>.
/// The generator adds one nested record per tuple element (<c>new Shape.Circle(c)</c>, payload <c>Circle_</c>).
/// </summary>
/// <typeparam name="Variants">A named tuple listing the variants and their payload types.</typeparam>
#pragma warning disable CA1005 // The variants tuple is the type's whole definition.
public abstract record TaggedEnum<Variants>
    where Variants : struct, ITuple;
#pragma warning restore CA1005
