using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Meridian.Module.Generator;

/// <summary>Turns the symbols the attributes mark into models, collecting diagnostics instead of throwing.</summary>
internal static partial class Parser
{
    private const string Bsatn = "global::SpacetimeDB.BSATN.";

    public static TypeModel ParseType(GeneratorAttributeSyntaxContext context, CancellationToken ct) =>
        ParseTypeCore((INamedTypeSymbol)context.TargetSymbol, (BaseTypeDeclarationSyntax)context.TargetNode, new List<DiagnosticInfo>(), ct);

    public static TableModel ParseTable(GeneratorAttributeSyntaxContext context, CancellationToken ct)
    {
        var symbol = (INamedTypeSymbol)context.TargetSymbol;
        var diagnostics = new List<DiagnosticInfo>();
        var row = ParseTypeCore(symbol, (BaseTypeDeclarationSyntax)context.TargetNode, diagnostics, ct);
        var location = symbol.Locations.FirstOrDefault();
        if (row.Shape == TypeShape.TaggedEnum)
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.TableTaggedEnum, location, symbol.Name));
        var visibility = Visibility(symbol);
        if (visibility is not null)
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.TableVisibility, location, symbol.Name, visibility));

        var fields = ProductFields(symbol, context.TargetNode).ToList();
        var tables = new List<TableDeclModel>();
        foreach (var attribute in context.Attributes)
        {
            var accessor = Named<string>(attribute, "Accessor") ?? symbol.Name;
            var scheduledAt = Named<string>(attribute, "ScheduledAt") ?? "ScheduledAt";
            var scheduled = Named<string>(attribute, "Scheduled");
            var attrLocation = attribute.ApplicationSyntaxReference?.GetSyntax(ct).GetLocation() ?? location;
            tables.Add(ParseTableDecl(symbol, fields, row, attribute, accessor, scheduled, scheduledAt, attrLocation, diagnostics));
        }
        // The row's own diagnostics were collected into the same list.
        return new TableModel(row with { Diagnostics = default }, tables.ToEquatableArray(), diagnostics.ToEquatableArray());
    }

    private static TableDeclModel ParseTableDecl(
        INamedTypeSymbol symbol,
        List<IFieldSymbol> fields,
        TypeModel row,
        AttributeData attribute,
        string accessor,
        string? scheduled,
        string scheduledAt,
        Location? location,
        List<DiagnosticInfo> diagnostics)
    {
        bool Applies(AttributeData a) => Named<string>(a, "Table") is not { } t || t == accessor;
        bool Has(IFieldSymbol f, string name) => f.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == name && Applies(a));

        var columns = new List<ColumnModel>();
        var btrees = new List<BTreeModel>();
        var fieldBTrees = new List<BTreeModel>();
        for (var i = 0; i < fields.Count && i < row.Members.Count; i++)
        {
            var f = fields[i];
            var type = row.Members[i].Type;
            var unsupported = row.Members[i].Unsupported;
            var pk = Has(f, "SpacetimeDB.PrimaryKeyAttribute") && !unsupported;
            var unique = Has(f, "SpacetimeDB.UniqueAttribute") && !unsupported;
            var autoInc = Has(f, "SpacetimeDB.AutoIncAttribute") && !unsupported;
            var fieldLocation = f.Locations.FirstOrDefault();
            // An invalid attribute is reported and left out, so the rest of the table is still generated.
            if (autoInc && type.Key != KeyCategory.Integer)
            {
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.AutoIncNotInteger, fieldLocation, f.Name, type.CSharp));
                autoInc = false;
            }
            if ((pk || unique) && type.Key == KeyCategory.None)
            {
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.UniqueNotEquatable, fieldLocation, f.Name, type.CSharp));
                pk = unique = false;
            }
            var defaultLiteral = DefaultLiteral(f, accessor);
            if ((pk || unique || autoInc) && Has(f, "SpacetimeDB.DefaultAttribute"))
            {
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.DefaultWithKey, fieldLocation, f.Name));
                defaultLiteral = null;
            }
            if (pk && columns.Any(c => c.PrimaryKey))
            {
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.MultiplePrimaryKeys, location, accessor));
                pk = false;
            }
            columns.Add(new ColumnModel(f.Name, i, type, pk, unique || pk, autoInc, defaultLiteral));
            foreach (var a in f.GetAttributes().Where(a => a.AttributeClass?.ToDisplayString() == "SpacetimeDB.Index.BTreeAttribute" && Applies(a)))
            {
                if (unsupported)
                    break;
                if (NamedArray(a, "Columns").Length > 0)
                    diagnostics.Add(DiagnosticInfo.Create(Diagnostics.FieldIndexColumns, fieldLocation, f.Name));
                fieldBTrees.Add(new BTreeModel(Named<string>(a, "Accessor") ?? f.Name, Named<string>(a, "Name"), new[] { i }.ToEquatableArray()));
            }
        }

        foreach (var a in symbol.GetAttributes().Where(a => a.AttributeClass?.ToDisplayString() == "SpacetimeDB.Index.BTreeAttribute" && Applies(a)))
        {
            var names = NamedArray(a, "Columns");
            var indexAccessor = Named<string>(a, "Accessor");
            // Each bad index attribute is reported at itself, so two bad ones on a type are two errors.
            var attributeLocation = a.ApplicationSyntaxReference?.GetSyntax().GetLocation() ?? location;
            if (names.Length == 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.IndexNoColumns, attributeLocation, symbol.Name));
                continue;
            }
            // 1.x style: Name and no Accessor. The name becomes the accessor unless it collides (upstream 2.x refuses these).
            indexAccessor ??= LegacyIndexAccessor(Named<string>(a, "Name"), columns, btrees, fieldBTrees);
            if (indexAccessor is null)
            {
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.TableIndexAccessor, attributeLocation, symbol.Name));
                continue;
            }
            var ids = new List<int>();
            foreach (var n in names)
            {
                var c = columns.FindIndex(c => c.Name == n);
                if (c < 0)
                    diagnostics.Add(DiagnosticInfo.Create(Diagnostics.UnknownColumn, attributeLocation, n, symbol.Name));
                ids.Add(c);
            }
            if (ids.All(c => c >= 0))
                btrees.Add(new BTreeModel(indexAccessor, Named<string>(a, "Name"), ids.ToEquatableArray()));
        }
        btrees.AddRange(fieldBTrees);
        btrees = IndexAccessors(accessor, columns, btrees, location, diagnostics);

        var scheduledAtColumn = -1;
        if (scheduled is not null)
        {
            scheduledAtColumn = columns.FindIndex(c => c.Name == scheduledAt);
            var pk = columns.FirstOrDefault(c => c.PrimaryKey);
            var valid = true;
            if (scheduledAtColumn < 0 || columns[scheduledAtColumn].Type.CSharp != "global::SpacetimeDB.ScheduleAt")
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    Diagnostics.InvalidSchedule, location, accessor, $"column {scheduledAt} must exist and be of type SpacetimeDB.ScheduleAt"));
                valid = false;
            }
            if (pk is null || pk.Type.CSharp != "ulong")
            {
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.InvalidSchedule, location, accessor, "the table needs a ulong [PrimaryKey] column"));
                valid = false;
            }
            if (!valid)
            {
                // Generated as a plain table; the schedule is left out.
                scheduled = null;
                scheduledAtColumn = -1;
            }
        }

        return new TableDeclModel(
            accessor,
            Named<string>(attribute, "Name"),
            Named<bool>(attribute, "Public"),
            Named<bool>(attribute, "Event"),
            scheduled,
            scheduledAtColumn,
            columns.ToEquatableArray(),
            btrees.ToEquatableArray(),
            LocationInfo.From(location),
            Named<string>(attribute, "Accessor") is null ? Named<string>(attribute, "Name") : null);
    }

    public static ReducerModel ParseReducer(GeneratorAttributeSyntaxContext context, CancellationToken ct)
    {
        var method = (IMethodSymbol)context.TargetSymbol;
        var attribute = context.Attributes[0];
        var location = method.Locations.FirstOrDefault();
        var diagnostics = new List<DiagnosticInfo>();
        var kind = attribute.ConstructorArguments.Length > 0 && attribute.ConstructorArguments[0].Value is int k ? k : 0;
        if (!method.ReturnsVoid)
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.ReducerReturnType, location, method.Name, method.ReturnType.ToDisplayString()));
        if (method.Parameters.Length == 0 || method.Parameters[0].Type.Name != "ReducerContext")
        {
            var at = method.Parameters.FirstOrDefault()?.Locations.FirstOrDefault() ?? location;
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.ReducerContextParam, at, method.Name));
        }
        CheckCallable(method, "Reducer", location, diagnostics);
        foreach (var prefix in new[] { "__", "on", "On" })
        {
            if (method.Name.StartsWith(prefix, StringComparison.Ordinal))
            {
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.ReducerReservedPrefix, location, method.Name, prefix));
                break;
            }
        }
        var parameters = new List<ParamModel>();
        foreach (var p in method.Parameters.Skip(1))
        {
            var type = MapType(p.Type, out var error);
            if (type is null)
            {
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.UnsupportedType, p.Locations.FirstOrDefault(), p.Type.ToDisplayString(), error!));
                continue;
            }
            parameters.Add(new ParamModel(p.Name, type));
        }
        var containers = new List<string>();
        for (var c = method.ContainingType; c is not null; c = c.ContainingType)
        {
            var partial = c.DeclaringSyntaxReferences.All(r => r.GetSyntax(ct) is BaseTypeDeclarationSyntax node && IsPartial(node));
            if (!partial || c.Arity != 0)
            {
                containers.Clear();
                break;
            }
            containers.Insert(0, $"{(c.IsStatic ? "static " : "")}partial {Keyword(c)} {c.Name}");
        }
        return new ReducerModel(
            method.Name,
            method.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            kind,
            Named<string>(attribute, "Name"),
            parameters.ToEquatableArray(),
            LocationInfo.From(location),
            diagnostics.ToEquatableArray())
        {
            Containers = containers.ToEquatableArray(),
            Namespace = method.ContainingType.ContainingNamespace.IsGlobalNamespace ? null : method.ContainingType.ContainingNamespace.ToDisplayString(),
            Accessibility = method.DeclaredAccessibility switch
            {
                Accessibility.Public => "public",
                Accessibility.Internal => "internal",
                Accessibility.Protected => "protected",
                Accessibility.ProtectedOrInternal => "protected internal",
                Accessibility.ProtectedAndInternal => "private protected",
                _ => "private",
            },
        };
    }

    // A [Migration] method: a reducer with exactly one argument (an old row) and the table it migrates.
    public static ReducerModel ParseMigration(GeneratorAttributeSyntaxContext context, CancellationToken ct)
    {
        var reducer = ParseReducer(context, ct);
        var method = (IMethodSymbol)context.TargetSymbol;
        var attribute = context.Attributes[0];
        var table = attribute.ConstructorArguments.Length > 0 ? attribute.ConstructorArguments[0].Value as string : null;
        var diagnostics = reducer.Diagnostics.ToList();
        if (method.Parameters.Length != 2)
        {
            var count = method.Parameters.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.MigrationShape, method.Locations.FirstOrDefault(), method.Name, count));
        }
        if (string.IsNullOrWhiteSpace(table))
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.MigrationTableName, method.Locations.FirstOrDefault(), method.Name));
        return reducer with { Diagnostics = diagnostics.ToEquatableArray(), MigrationTable = table ?? "" };
    }

    public static SettingsModel ParseSettings(GeneratorAttributeSyntaxContext context, CancellationToken ct)
    {
        var field = (IFieldSymbol)context.TargetSymbol;
        var location = field.Locations.FirstOrDefault();
        if (!field.IsConst || field.Type.ToDisplayString() != "SpacetimeDB.CaseConversionPolicy" || field.ConstantValue is not int value)
            return new SettingsModel(
                null,
                field.Name,
                LocationInfo.From(location),
                new[] { DiagnosticInfo.Create(Diagnostics.SettingsField, location, field.Name) }.ToEquatableArray());
        return new SettingsModel(value, field.Name, LocationInfo.From(location), default);
    }

    private static TypeModel ParseTypeCore(INamedTypeSymbol symbol, BaseTypeDeclarationSyntax node, List<DiagnosticInfo> diagnostics, CancellationToken ct)
    {
        var location = symbol.Locations.FirstOrDefault();
        var shape = symbol.TypeKind == TypeKind.Enum ? TypeShape.Enum : TaggedEnumTuple(symbol) is not null ? TypeShape.TaggedEnum : TypeShape.Product;

        if (symbol.TypeParameters.Length > 0)
        {
            var parameters = "<" + string.Join(", ", symbol.TypeParameters.Select(t => t.Name)) + ">";
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.TypeParameters, location, parameters));
        }
        var notPartial = shape != TypeShape.Enum && !IsPartial(node);
        for (var c = symbol.ContainingType; c is not null && !notPartial; c = c.ContainingType)
            notPartial = !c.DeclaringSyntaxReferences.Any(r => r.GetSyntax(ct) is TypeDeclarationSyntax t && IsPartial(t));
        if (notPartial)
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.NotPartial, location, symbol.Name));

        var members = new List<MemberModel>();
        if (shape == TypeShape.Enum && node is EnumDeclarationSyntax e)
        {
            foreach (var m in e.Members.Where(m => m.EqualsValue is not null))
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.EnumExplicitValue, m.GetLocation(), symbol.Name, m.Identifier.Text));
            if (e.Members.Count > 256)
            {
                var count = e.Members.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.EnumTooManyVariants, location, symbol.Name, count));
            }
        }
        else if (shape == TypeShape.TaggedEnum)
        {
            var tuple = TaggedEnumTuple(symbol)!;
            if (!tuple.IsTupleType || tuple.TupleElements.Any(t => !t.IsExplicitlyNamedTupleElement))
            {
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.TaggedEnumInlineTuple, location, symbol.BaseType!.ToDisplayString()));
            }
            else
            {
                foreach (var element in tuple.TupleElements)
                    AddMember(members, diagnostics, element.Name, element.Type, element.Locations.FirstOrDefault() ?? location);
            }
            foreach (var f in ProductFields(symbol, node))
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.TaggedEnumField, f.Locations.FirstOrDefault(), f.Name));
        }
        else
        {
            foreach (var f in ProductFields(symbol, node))
                AddMember(members, diagnostics, f.Name, f.Type, f.Locations.FirstOrDefault());
        }

        var containers = new List<string>();
        for (var c = symbol.ContainingType; c is not null; c = c.ContainingType)
            containers.Insert(0, $"partial {Keyword(c)} {c.Name}");

        return new TypeModel(
            symbol.ContainingNamespace.IsGlobalNamespace ? null : symbol.ContainingNamespace.ToDisplayString(),
            containers.ToEquatableArray(),
            symbol.Name,
            symbol.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            Keyword(symbol),
            symbol.TypeKind == TypeKind.Class,
            shape,
            IsEffectivelyPublic(symbol),
            symbol.TypeKind != TypeKind.Class || symbol.InstanceConstructors.Any(c => c.Parameters.Length == 0),
            members.ToEquatableArray(),
            diagnostics.ToEquatableArray());
    }

    private static void AddMember(List<MemberModel> members, List<DiagnosticInfo> diagnostics, string name, ITypeSymbol type, Location? location)
    {
        var use = MapType(type, out var error);
        if (use is null)
        {
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.UnsupportedType, location, type.ToDisplayString(), error!));
            use = new TypeUse(type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), "global::SpacetimeDB.BSATN.UnitRW", KeyCategory.None);
        }
        members.Add(new MemberModel(name, use, Unsupported: use.Unsupported));
    }

    /// <summary>Instance fields declared in this partial declaration, in source order.</summary>
    private static IEnumerable<IFieldSymbol> ProductFields(INamedTypeSymbol symbol, SyntaxNode node) =>
        symbol.GetMembers().OfType<IFieldSymbol>()
            .Where(f => !f.IsStatic && !f.IsConst && !f.IsImplicitlyDeclared)
            .Select(f => (Field: f, Ref: f.DeclaringSyntaxReferences.FirstOrDefault()))
            .Where(x => x.Ref is not null && x.Ref.SyntaxTree == node.SyntaxTree && node.Span.Contains(x.Ref.Span))
            .OrderBy(x => x.Ref!.Span.Start)
            .Select(x => x.Field);

    private static INamedTypeSymbol? TaggedEnumTuple(INamedTypeSymbol symbol) =>
        symbol.BaseType is { IsGenericType: true, MetadataName: "TaggedEnum`1" } b && b.ContainingNamespace.ToDisplayString() == "SpacetimeDB"
            ? b.TypeArguments[0] as INamedTypeSymbol
            : null;

    /// <summary>Maps a C# type to its spelling and serializer (module-api.md §3.2), or null with a reason.</summary>
    public static TypeUse? MapType(ITypeSymbol type, out string? error)
    {
        error = null;
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            var inner = MapType(nullable.TypeArguments[0], out error);
            return inner is null ? null : new TypeUse(inner.CSharp + "?", $"{Bsatn}ValueOption<{inner.CSharp}, {inner.Serializer}>", KeyCategory.None);
        }
        if (type.IsReferenceType && type.NullableAnnotation == NullableAnnotation.Annotated)
        {
            var inner = MapType(type.WithNullableAnnotation(NullableAnnotation.NotAnnotated), out error);
            return inner is null ? null : new TypeUse(inner.CSharp + "?", $"{Bsatn}RefOption<{inner.CSharp}, {inner.Serializer}>", KeyCategory.None);
        }
        switch (type.SpecialType)
        {
            case SpecialType.System_Boolean: return new("bool", Bsatn + "Bool", KeyCategory.Bool);
            case SpecialType.System_SByte: return new("sbyte", Bsatn + "I8", KeyCategory.Integer);
            case SpecialType.System_Byte: return new("byte", Bsatn + "U8", KeyCategory.Integer);
            case SpecialType.System_Int16: return new("short", Bsatn + "I16", KeyCategory.Integer);
            case SpecialType.System_UInt16: return new("ushort", Bsatn + "U16", KeyCategory.Integer);
            case SpecialType.System_Int32: return new("int", Bsatn + "I32", KeyCategory.Integer);
            case SpecialType.System_UInt32: return new("uint", Bsatn + "U32", KeyCategory.Integer);
            case SpecialType.System_Int64: return new("long", Bsatn + "I64", KeyCategory.Integer);
            case SpecialType.System_UInt64: return new("ulong", Bsatn + "U64", KeyCategory.Integer);
            case SpecialType.System_Single: return new("float", Bsatn + "F32", KeyCategory.None);
            case SpecialType.System_Double: return new("double", Bsatn + "F64", KeyCategory.None);
            case SpecialType.System_String: return new("string", Bsatn + "String", KeyCategory.String);
        }
        if (type is IArrayTypeSymbol array)
        {
            if (array.Rank != 1)
            {
                error = "multi-dimensional arrays are not supported";
                return null;
            }
            if (array.ElementType.SpecialType == SpecialType.System_Byte)
                return new("byte[]", Bsatn + "ByteArray", KeyCategory.None);
            var element = MapType(array.ElementType, out error);
            return element is null ? null : new TypeUse(element.CSharp + "[]", $"{Bsatn}Array<{element.CSharp}, {element.Serializer}>", KeyCategory.None);
        }
        if (type is INamedTypeSymbol { IsGenericType: true } generic && generic.OriginalDefinition.ToDisplayString() == "System.Collections.Generic.List<T>")
        {
            var element = MapType(generic.TypeArguments[0], out error);
            return element is null
                ? null
                : new TypeUse(
                    $"global::System.Collections.Generic.List<{element.CSharp}>",
                    $"{Bsatn}List<{element.CSharp}, {element.Serializer}>",
                    KeyCategory.None);
        }
        if (type is INamedTypeSymbol { IsGenericType: true } result && result.OriginalDefinition.ToDisplayString() == "SpacetimeDB.Result<T, E>")
            return MapResult(result, out error);
        var name = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        switch (name)
        {
            case "global::System.Int128": return new(name, Bsatn + "I128", KeyCategory.Integer);
            case "global::System.UInt128": return new(name, Bsatn + "U128", KeyCategory.Integer);
            case "global::SpacetimeDB.I128": return new(name, Bsatn + "I128Stdb", KeyCategory.Integer);
            case "global::SpacetimeDB.U128": return new(name, Bsatn + "U128Stdb", KeyCategory.Integer);
            case "global::SpacetimeDB.I256": return new(name, Bsatn + "I256", KeyCategory.Integer);
            case "global::SpacetimeDB.U256": return new(name, Bsatn + "U256", KeyCategory.Integer);
            case "global::SpacetimeDB.Unit": return new(name, Bsatn + "UnitRW", KeyCategory.None);
            case "global::SpacetimeDB.Identity":
            case "global::SpacetimeDB.ConnectionId":
            case "global::SpacetimeDB.Timestamp":
            case "global::SpacetimeDB.Uuid":
                return new(name, name + ".BSATN", KeyCategory.Special);
            case "global::SpacetimeDB.TimeDuration":
            case "global::SpacetimeDB.ScheduleAt":
                return new(name, name + ".BSATN", KeyCategory.None);
        }
        var marked = type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() is "SpacetimeDB.TypeAttribute" or "SpacetimeDB.TableAttribute");
        if (type.TypeKind == TypeKind.Enum)
        {
            if (marked)
                return new(name, $"{Bsatn}Enum<{name}>", KeyCategory.Enum);
            error = "enums must be marked [SpacetimeDB.Type]";
            return null;
        }
        if (marked && type is INamedTypeSymbol)
            return new(name, name + ".BSATN", KeyCategory.None);
        error = type.TypeKind == TypeKind.Error
            ? "the type could not be resolved"
            : Alternative(type) is { } use
                ? $"use {use} instead"
                : "only primitives, special SpacetimeDB types, arrays, lists, nullables and [SpacetimeDB.Type] types can be serialized; "
                    + "mark your own struct, class or enum [SpacetimeDB.Type]";
        return null;
    }

    /// <summary>What to use instead of a .NET type modules often reach for.</summary>
    private static string? Alternative(ITypeSymbol type) => type.SpecialType switch
    {
        SpecialType.System_Char => "string or ushort",
        SpecialType.System_Decimal => "a scaled integer (long cents) or double",
        SpecialType.System_DateTime => "SpacetimeDB.Timestamp",
        SpecialType.System_Object => "a [SpacetimeDB.Type] struct or a TaggedEnum",
        _ => type.ToDisplayString() switch
        {
            "System.DateTimeOffset" => "SpacetimeDB.Timestamp",
            "System.TimeSpan" => "SpacetimeDB.TimeDuration",
            "System.Guid" => "SpacetimeDB.Uuid",
            "System.Numerics.BigInteger" => "SpacetimeDB.I256 or System.Int128",
            _ when type is INamedTypeSymbol { IsGenericType: true } g && g.Name is "Dictionary" or "IDictionary" or "HashSet" or "IReadOnlyDictionary"
                => "a List<T> of a [SpacetimeDB.Type] struct (or a table)",
            _ when type is INamedTypeSymbol { IsGenericType: true } g && g.Name is "IEnumerable" or "IList" or "IReadOnlyList" or "ICollection"
                => "List<T> or T[]",
            _ => null,
        },
    };

    /// <summary>
    /// The generated dispatch calls the method as <c>Type.Method(ctx, args...)</c>: it must be static, non-generic,
    /// take its arguments by value, and be reachable from the module's own assembly (MRDN0006, MRDN0007).
    /// </summary>
    internal static void CheckCallable(IMethodSymbol method, string kind, Location? location, List<DiagnosticInfo> diagnostics)
    {
        var problem = !method.IsStatic ? "is not static"
            : method.IsGenericMethod ? "is generic"
            : method.Parameters.FirstOrDefault(p => p.RefKind != RefKind.None) is { } byRef ? $"takes {byRef.Name} by reference"
            : method.Parameters.FirstOrDefault(p => p.IsParams) is { } rest ? $"takes params {rest.Name}"
            : null;
        if (problem is not null)
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.MethodShape, location, kind, method.Name, problem));
        for (ISymbol s = method; s is not null && s is not INamespaceSymbol; s = s.ContainingType!)
        {
            if (s.DeclaredAccessibility is Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal)
            {
                var what = SymbolEqualityComparer.Default.Equals(s, method) ? "it is" : $"its containing type {s.Name} is";
                diagnostics.Add(DiagnosticInfo.Create(
                    Diagnostics.MethodNotAccessible, location, kind, method.Name, what, s.DeclaredAccessibility.ToString().ToLowerInvariant()));
                break;
            }
            if (s.ContainingType is null)
                break;
        }
    }

    private static bool IsPartial(BaseTypeDeclarationSyntax node) => node.Modifiers.Any(SyntaxKind.PartialKeyword);

    private static string Keyword(INamedTypeSymbol symbol) => (symbol.IsRecord, symbol.TypeKind) switch
    {
        (true, TypeKind.Struct) => "record struct",
        (true, _) => "record",
        (_, TypeKind.Struct) => "struct",
        (_, TypeKind.Interface) => "interface",
        (_, TypeKind.Enum) => "enum",
        _ => "class",
    };

    private static string? Visibility(INamedTypeSymbol symbol)
    {
        for (ISymbol? s = symbol; s is INamedTypeSymbol t; s = t.ContainingType)
        {
            if (t.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal))
                return t.DeclaredAccessibility.ToString().ToLowerInvariant();
        }
        return null;
    }

    private static bool IsEffectivelyPublic(INamedTypeSymbol symbol)
    {
        for (INamedTypeSymbol? t = symbol; t is not null; t = t.ContainingType)
        {
            if (t.DeclaredAccessibility != Accessibility.Public)
                return false;
        }
        return true;
    }

    private static T? Named<T>(AttributeData attribute, string name)
    {
        foreach (var arg in attribute.NamedArguments)
        {
            if (arg.Key == name && arg.Value.Kind != TypedConstantKind.Array && arg.Value.Value is T value)
                return value;
        }
        return default;
    }

    private static ImmutableArray<string> NamedArray(AttributeData attribute, string name)
    {
        foreach (var arg in attribute.NamedArguments)
        {
            if (arg.Key == name && arg.Value.Kind == TypedConstantKind.Array)
                return arg.Value.Values.Select(v => v.Value as string ?? "").ToImmutableArray();
        }
        return ImmutableArray<string>.Empty;
    }
}
