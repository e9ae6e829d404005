using Meridian.Sats.ModuleDef;
using Meridian.Sats.Types;
using SpacetimeDB.BSATN;

namespace SpacetimeDB.Internal;

/// <summary>Builds the module's typespace and its named-type list as types are first used.</summary>
public sealed class TypeRegistrar : ITypeRegistrar
{
    private readonly List<AlgebraicType> _types = [];
    private readonly Dictionary<Type, RefType> _refs = [];
    private readonly List<RawTypeDefV10> _typeDefs = [];

    /// <summary>The typespace so far.</summary>
    public Typespace Typespace => new(_types);

    /// <summary>The named types so far, in the order their definitions completed.</summary>
    public IReadOnlyList<RawTypeDefV10> TypeDefs => _typeDefs;

    /// <inheritdoc />
    public RefType RegisterType<T>(Func<RefType, AlgebraicType> makeType)
    {
        if (_refs.TryGetValue(typeof(T), out var existing))
            return existing;
        var index = (uint)_types.Count;
        var self = AlgebraicType.Ref(index);
        _refs[typeof(T)] = self;
        _types.Add(self); // placeholder until the real type is built, so recursion resolves
        _types[(int)index] = makeType(self);
        _typeDefs.Add(new RawTypeDefV10(new RawScopedTypeNameV10([], TypeName(typeof(T))), index, true));
        return self;
    }

    /// <summary>The type's source name: its short name, generic arguments appended with <c>_</c>.</summary>
    public static string TypeName(Type type)
    {
        if (!type.IsGenericType)
            return type.Name;
        var name = type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)];
        return name + "_" + string.Join("_", type.GetGenericArguments().Select(TypeName));
    }
}
