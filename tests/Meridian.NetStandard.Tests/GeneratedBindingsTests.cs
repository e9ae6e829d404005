using System.Reflection;
using System.Runtime.Versioning;
using Meridian.Client;
using Meridian.Golden.Everything;

namespace Meridian.NetStandard.Tests;

/// <summary>
/// The C# bindings <c>meridian generate</c> writes (the golden files of every test module) compile
/// for netstandard2.1 with C# 9, as in Unity, against the netstandard2.1 build of Meridian.Client
/// (GoldenBindings/), and run there.
/// </summary>
public class GeneratedBindingsTests
{
    [Fact]
    public void The_bindings_and_the_client_they_use_are_netstandard21_builds()
    {
        foreach (var type in new[] { typeof(Shape), typeof(Meridian.Golden.Views.DbConnection), typeof(BsatnCodec) })
            Assert.Equal(".NETStandard,Version=v2.1", type.Assembly.GetCustomAttribute<TargetFrameworkAttribute>()?.FrameworkName);
        // A reference to System.Runtime or System.Private.CoreLib would not load on Unity's runtime.
        var names = typeof(Shape).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.Contains("Meridian.Client", names);
        Assert.All(names, n => Assert.True(n == "netstandard" || n.StartsWith("Meridian.", StringComparison.Ordinal), n));
    }

    [Fact]
    public void A_sum_and_a_product_round_trip_through_bsatn_and_deconstruct()
    {
        Shape[] shapes = [new Shape.Dot(new Point(3, -4)), new Shape.Circle(1.5), new Shape.Label("x"), new Shape.Painted(Color.DeepBlue)];
        foreach (var shape in shapes)
        {
            var back = BsatnCodec.Decode(BsatnCodec.Encode(shape, Shape.WriteBsatn), Shape.ReadBsatn);
            Assert.Equal(shape, back);
            Assert.NotSame(shape, back);
        }
        Assert.Equal([0, 3, 0, 0, 0, 252, 255, 255, 255], BsatnCodec.Encode<Shape>(new Shape.Dot(new Point(3, -4)), Shape.WriteBsatn));
        Assert.NotEqual<Shape>(new Shape.Circle(1.5), new Shape.Circle(2.5));
        var described = shapes[0] switch
        {
            Shape.Dot(var p) => $"dot at {p.X},{p.Y}",
            _ => "other",
        };
        Assert.Equal("dot at 3,-4", described);
    }
}
