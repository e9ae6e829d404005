using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace SpacetimeDB;

/// <summary>
/// Base of a sum type: <c>partial record Shape : TaggedEnum&lt;(Circle Circle, Square Square)&gt;</c>.
/// The generator adds one nested record per tuple element (<c>new Shape.Circle(c)</c>, payload <c>Circle_</c>).
/// </summary>
/// <typeparam name="TVariants">A named tuple listing the variants and their payload types.</typeparam>
#pragma warning disable CA1005 // The variants tuple is the type's whole definition.
[SuppressMessage("Naming", "CA1711", Justification = "Upstream's name: SpacetimeDB modules derive their sum types from TaggedEnum.")]
public abstract record TaggedEnum<TVariants>
    where TVariants : struct, ITuple;
#pragma warning restore CA1005
