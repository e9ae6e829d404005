using Meridian.Sats.Bsatn;
using Meridian.Sats.Types;

namespace Meridian.Sats.ModuleDef;

public sealed partial record RawModuleDef
{
    /// <summary>Encodes the definition as BSATN (tag 2, then the V10 payload).</summary>
    public byte[] ToBsatn()
    {
        var writer = new BsatnWriter(1024);
        WriteBsatn(writer);
        return writer.ToArray();
    }

    /// <summary>Writes the definition as BSATN.</summary>
    public void WriteBsatn(BsatnWriter writer)
    {
        writer.WriteSumTag(V10Tag);
        V10.WriteBsatn(writer);
    }

    /// <summary>Decodes a whole BSATN buffer; trailing bytes are an error.</summary>
    public static RawModuleDef FromBsatn(ReadOnlySpan<byte> bsatn)
    {
        var reader = new BsatnReader(bsatn);
        var def = ReadBsatn(ref reader);
        reader.EnsureAtEnd("module definition");
        return def;
    }

    /// <summary>Reads a definition; V8 and V9 definitions are rejected with a clear message.</summary>
    public static RawModuleDef ReadBsatn(ref BsatnReader reader)
    {
        var at = reader.Position;
        var tag = reader.ReadSumTag(3, "RawModuleDef");
        if (tag != V10Tag)
            throw new BsatnDecodeException($"RawModuleDef version tag {tag} at offset {at} is not supported: only V10 (tag 2) is.", at);
        return new RawModuleDef(RawModuleDefV10.ReadBsatn(ref reader));
    }
}

public sealed partial record RawModuleDefV10
{
    private const int SectionCount = 15;

    /// <summary>Writes <c>sections: [RawModuleDefV10Section]</c>.</summary>
    public void WriteBsatn(BsatnWriter writer)
    {
        writer.WriteArrayLength(Sections.Count);
        foreach (var section in Sections)
        {
            writer.WriteSumTag((byte)section.Tag);
            switch (section)
            {
                case RawModuleDefV10Section.TypespaceSection s:
                    s.Typespace.WriteBsatn(writer);
                    break;
                case RawModuleDefV10Section.TypesSection s:
                    WriteList(writer, s.Types, WriteTypeDef);
                    break;
                case RawModuleDefV10Section.TablesSection s:
                    WriteList(writer, s.Tables, WriteTable);
                    break;
                case RawModuleDefV10Section.ReducersSection s:
                    WriteList(writer, s.Reducers, WriteReducer);
                    break;
                case RawModuleDefV10Section.ProceduresSection s:
                    WriteList(writer, s.Procedures, WriteProcedure);
                    break;
                case RawModuleDefV10Section.ViewsSection s:
                    WriteList(writer, s.Views, WriteView);
                    break;
                case RawModuleDefV10Section.SchedulesSection s:
                    WriteList(writer, s.Schedules, WriteSchedule);
                    break;
                case RawModuleDefV10Section.LifeCycleReducersSection s:
                    WriteList(writer, s.LifeCycleReducers, (w, l) =>
                    {
                        w.WriteSumTag((byte)l.LifecycleSpec);
                        w.WriteString(l.FunctionName);
                    });
                    break;
                case RawModuleDefV10Section.RowLevelSecuritySection s:
                    WriteList(writer, s.Filters, (w, f) => w.WriteString(f.Sql));
                    break;
                case RawModuleDefV10Section.CaseConversionPolicySection s:
                    writer.WriteSumTag((byte)s.Policy);
                    break;
                case RawModuleDefV10Section.ExplicitNamesSection s:
                    WriteList(writer, s.Entries, (w, e) =>
                    {
                        w.WriteSumTag((byte)e.Kind);
                        w.WriteString(e.SourceName);
                        w.WriteString(e.CanonicalName);
                    });
                    break;
                case RawModuleDefV10Section.HttpHandlersSection s:
                    WriteList(writer, s.Handlers, (w, h) => w.WriteString(h.SourceName));
                    break;
                case RawModuleDefV10Section.HttpRoutesSection s:
                    WriteList(writer, s.Routes, WriteRoute);
                    break;
                case RawModuleDefV10Section.ViewPrimaryKeysSection s:
                    WriteList(writer, s.PrimaryKeys, (w, p) =>
                    {
                        w.WriteString(p.ViewSourceName);
                        WriteList(w, p.Columns, (w2, c) => w2.WriteString(c));
                    });
                    break;
                case RawModuleDefV10Section.SubmodulesSection s:
                    WriteList(writer, s.Submodules, (w, m) =>
                    {
                        w.WriteString(m.Namespace);
                        m.Module.WriteBsatn(w);
                    });
                    break;
                default:
                    throw new InvalidOperationException($"Unknown module definition section {section.GetType().Name}.");
            }
        }
    }

    /// <summary>Reads <c>sections: [RawModuleDefV10Section]</c>.</summary>
    public static RawModuleDefV10 ReadBsatn(ref BsatnReader reader)
    {
        var count = reader.ReadArrayLength(1, "module definition sections");
        var sections = new RawModuleDefV10Section[count];
        for (var i = 0; i < count; i++)
        {
            var tag = (RawModuleDefV10SectionTag)reader.ReadSumTag(SectionCount, "RawModuleDefV10Section");
            sections[i] = tag switch
            {
                RawModuleDefV10SectionTag.Typespace => new RawModuleDefV10Section.TypespaceSection(global::Meridian.Sats.Types.Typespace.ReadBsatn(ref reader)),
                RawModuleDefV10SectionTag.Types => new RawModuleDefV10Section.TypesSection(ReadList(ref reader, ReadTypeDef)),
                RawModuleDefV10SectionTag.Tables => new RawModuleDefV10Section.TablesSection(ReadList(ref reader, ReadTable)),
                RawModuleDefV10SectionTag.Reducers => new RawModuleDefV10Section.ReducersSection(ReadList(ref reader, ReadReducer)),
                RawModuleDefV10SectionTag.Procedures => new RawModuleDefV10Section.ProceduresSection(ReadList(ref reader, ReadProcedure)),
                RawModuleDefV10SectionTag.Views => new RawModuleDefV10Section.ViewsSection(ReadList(ref reader, ReadView)),
                RawModuleDefV10SectionTag.Schedules => new RawModuleDefV10Section.SchedulesSection(ReadList(ref reader, ReadSchedule)),
                RawModuleDefV10SectionTag.LifeCycleReducers =>
                    new RawModuleDefV10Section.LifeCycleReducersSection(ReadList(ref reader, static (ref BsatnReader r) =>
                    new RawLifeCycleReducerDefV10((Lifecycle)r.ReadSumTag(3, "Lifecycle"), r.ReadString()))),
                RawModuleDefV10SectionTag.RowLevelSecurity =>
                    new RawModuleDefV10Section.RowLevelSecuritySection(ReadList(ref reader, static (ref BsatnReader r) =>
                    new RawRowLevelSecurityDefV10(r.ReadString()))),
                RawModuleDefV10SectionTag.CaseConversionPolicy => new RawModuleDefV10Section.CaseConversionPolicySection(
                    (CaseConversionPolicy)reader.ReadSumTag(2, "CaseConversionPolicy")),
                RawModuleDefV10SectionTag.ExplicitNames => new RawModuleDefV10Section.ExplicitNamesSection(ReadList(ref reader, static (ref BsatnReader r) =>
                    new ExplicitNameEntry((ExplicitNameKind)r.ReadSumTag(3, "ExplicitNameEntry"), r.ReadString(), r.ReadString()))),
                RawModuleDefV10SectionTag.HttpHandlers => new RawModuleDefV10Section.HttpHandlersSection(ReadList(ref reader, static (ref BsatnReader r) =>
                    new RawHttpHandlerDefV10(r.ReadString()))),
                RawModuleDefV10SectionTag.HttpRoutes => new RawModuleDefV10Section.HttpRoutesSection(ReadList(ref reader, ReadRoute)),
                RawModuleDefV10SectionTag.ViewPrimaryKeys =>
                    new RawModuleDefV10Section.ViewPrimaryKeysSection(ReadList(ref reader, static (ref BsatnReader r) =>
                    new RawViewPrimaryKeyDefV10(r.ReadString(), ReadList(ref r, static (ref BsatnReader r2) => r2.ReadString())))),
                _ => new RawModuleDefV10Section.SubmodulesSection(ReadList(ref reader, static (ref BsatnReader r) =>
                    new RawSubmoduleV10(r.ReadString(), ReadBsatn(ref r)))),
            };
        }
        return new RawModuleDefV10(sections);
    }

    private delegate T ItemReader<T>(ref BsatnReader reader);

    private static void WriteList<T>(BsatnWriter writer, IReadOnlyList<T> items, Action<BsatnWriter, T> write)
    {
        writer.WriteArrayLength(items.Count);
        foreach (var item in items)
            write(writer, item);
    }

    private static T[] ReadList<T>(ref BsatnReader reader, ItemReader<T> read)
    {
        var count = reader.ReadArrayLength(1);
        var items = new T[count];
        for (var i = 0; i < count; i++)
            items[i] = read(ref reader);
        return items;
    }

    private static void WriteColumns(BsatnWriter writer, IReadOnlyList<ushort> columns)
    {
        writer.WriteArrayLength(columns.Count);
        foreach (var c in columns)
            writer.WriteU16(c);
    }

    private static ushort[] ReadColumns(ref BsatnReader reader)
    {
        var count = reader.ReadArrayLength(2, "column list");
        var columns = new ushort[count];
        for (var i = 0; i < count; i++)
            columns[i] = reader.ReadU16();
        return columns;
    }

    private static void WriteOptionalString(BsatnWriter writer, string? value)
    {
        if (value is null)
        {
            writer.WriteSumTag(1);
            return;
        }
        writer.WriteSumTag(0);
        writer.WriteString(value);
    }

    private static string? ReadOptionalString(ref BsatnReader reader) =>
        reader.ReadSumTag(2, "option") == 0 ? reader.ReadString() : null;

    private static void WriteOptionalI128(BsatnWriter writer, Int128? value)
    {
        if (value is not { } v)
        {
            writer.WriteSumTag(1);
            return;
        }
        writer.WriteSumTag(0);
        writer.WriteI128(v);
    }

    private static Int128? ReadOptionalI128(ref BsatnReader reader) =>
        reader.ReadSumTag(2, "option") == 0 ? reader.ReadI128() : null;

    private static void WriteTypeDef(BsatnWriter writer, RawTypeDefV10 def)
    {
        WriteList(writer, def.SourceName.Scope, (w, s) => w.WriteString(s));
        writer.WriteString(def.SourceName.SourceName);
        writer.WriteU32(def.Ty);
        writer.WriteBool(def.CustomOrdering);
    }

    private static RawTypeDefV10 ReadTypeDef(ref BsatnReader reader)
    {
        var scope = ReadList(ref reader, static (ref BsatnReader r) => r.ReadString());
        var name = new RawScopedTypeNameV10(scope, reader.ReadString());
        return new RawTypeDefV10(name, reader.ReadU32(), reader.ReadBool());
    }

    private static void WriteTable(BsatnWriter writer, RawTableDefV10 table)
    {
        writer.WriteString(table.SourceName);
        writer.WriteU32(table.ProductTypeRef);
        WriteColumns(writer, table.PrimaryKey);
        WriteList(writer, table.Indexes, static (w, index) =>
        {
            WriteOptionalString(w, index.SourceName);
            WriteOptionalString(w, index.AccessorName);
            w.WriteSumTag((byte)index.Algorithm.Kind);
            if (index.Algorithm.Kind == RawIndexAlgorithmKind.Direct)
                w.WriteU16(index.Algorithm.Columns[0]);
            else
                WriteColumns(w, index.Algorithm.Columns);
        });
        WriteList(writer, table.Constraints, static (w, constraint) =>
        {
            WriteOptionalString(w, constraint.SourceName);
            w.WriteSumTag(0);
            WriteColumns(w, constraint.UniqueColumns);
        });
        WriteList(writer, table.Sequences, static (w, seq) =>
        {
            WriteOptionalString(w, seq.SourceName);
            w.WriteU16(seq.Column);
            WriteOptionalI128(w, seq.Start);
            WriteOptionalI128(w, seq.MinValue);
            WriteOptionalI128(w, seq.MaxValue);
            w.WriteI128(seq.Increment);
        });
        writer.WriteSumTag((byte)table.TableType);
        writer.WriteSumTag((byte)table.TableAccess);
        WriteList(writer, table.DefaultValues, static (w, d) =>
        {
            w.WriteU16(d.ColId);
            w.WriteBytes(d.Value);
        });
        writer.WriteBool(table.IsEvent);
    }

    private static RawTableDefV10 ReadTable(ref BsatnReader reader)
    {
        var name = reader.ReadString();
        var typeRef = reader.ReadU32();
        var pk = ReadColumns(ref reader);
        var indexes = ReadList(ref reader, static (ref BsatnReader r) =>
        {
            var source = ReadOptionalString(ref r);
            var accessor = ReadOptionalString(ref r);
            var kind = (RawIndexAlgorithmKind)r.ReadSumTag(3, "RawIndexAlgorithm");
            var columns = kind == RawIndexAlgorithmKind.Direct ? [r.ReadU16()] : ReadColumns(ref r);
            return new RawIndexDefV10(source, accessor, new RawIndexAlgorithm(kind, columns));
        });
        var constraints = ReadList(ref reader, static (ref BsatnReader r) =>
        {
            var source = ReadOptionalString(ref r);
            r.ReadSumTag(1, "RawConstraintDataV9");
            return new RawConstraintDefV10(source, ReadColumns(ref r));
        });
        var sequences = ReadList(ref reader, static (ref BsatnReader r) => new RawSequenceDefV10(
            ReadOptionalString(ref r), r.ReadU16(), ReadOptionalI128(ref r), ReadOptionalI128(ref r), ReadOptionalI128(ref r), r.ReadI128()));
        var tableType = (TableType)reader.ReadSumTag(2, "TableType");
        var access = (TableAccess)reader.ReadSumTag(2, "TableAccess");
        var defaults = ReadList(ref reader, static (ref BsatnReader r) => new RawColumnDefaultValueV10(r.ReadU16(), r.ReadBytes().ToArray()));
        return new RawTableDefV10(name, typeRef, pk, indexes, constraints, sequences, tableType, access, defaults, reader.ReadBool());
    }

    private static void WriteReducer(BsatnWriter writer, RawReducerDefV10 reducer)
    {
        writer.WriteString(reducer.SourceName);
        reducer.Params.WriteElements(writer);
        writer.WriteSumTag((byte)reducer.Visibility);
        reducer.OkReturnType.WriteBsatn(writer);
        reducer.ErrReturnType.WriteBsatn(writer);
    }

    private static RawReducerDefV10 ReadReducer(ref BsatnReader reader) => new(
        reader.ReadString(),
        ProductType.ReadElements(ref reader),
        (FunctionVisibility)reader.ReadSumTag(2, "FunctionVisibility"),
        AlgebraicType.ReadBsatn(ref reader),
        AlgebraicType.ReadBsatn(ref reader));

    private static void WriteProcedure(BsatnWriter writer, RawProcedureDefV10 procedure)
    {
        writer.WriteString(procedure.SourceName);
        procedure.Params.WriteElements(writer);
        procedure.ReturnType.WriteBsatn(writer);
        writer.WriteSumTag((byte)procedure.Visibility);
    }

    private static RawProcedureDefV10 ReadProcedure(ref BsatnReader reader) => new(
        reader.ReadString(),
        ProductType.ReadElements(ref reader),
        AlgebraicType.ReadBsatn(ref reader),
        (FunctionVisibility)reader.ReadSumTag(2, "FunctionVisibility"));

    private static void WriteView(BsatnWriter writer, RawViewDefV10 view)
    {
        writer.WriteString(view.SourceName);
        writer.WriteU32(view.Index);
        writer.WriteBool(view.IsPublic);
        writer.WriteBool(view.IsAnonymous);
        view.Params.WriteElements(writer);
        view.ReturnType.WriteBsatn(writer);
    }

    private static RawViewDefV10 ReadView(ref BsatnReader reader) => new(
        reader.ReadString(),
        reader.ReadU32(),
        reader.ReadBool(),
        reader.ReadBool(),
        ProductType.ReadElements(ref reader),
        AlgebraicType.ReadBsatn(ref reader));

    private static void WriteSchedule(BsatnWriter writer, RawScheduleDefV10 schedule)
    {
        WriteOptionalString(writer, schedule.SourceName);
        writer.WriteString(schedule.TableName);
        writer.WriteU16(schedule.ScheduleAtCol);
        writer.WriteString(schedule.FunctionName);
    }

    private static RawScheduleDefV10 ReadSchedule(ref BsatnReader reader) =>
        new(ReadOptionalString(ref reader), reader.ReadString(), reader.ReadU16(), reader.ReadString());

    private static void WriteRoute(BsatnWriter writer, RawHttpRouteDefV10 route)
    {
        writer.WriteString(route.HandlerFunction);
        if (route.Method is not { } method)
        {
            writer.WriteSumTag(0);
        }
        else
        {
            writer.WriteSumTag(1);
            writer.WriteSumTag((byte)method);
            if (method == RawHttpMethod.Extension)
                writer.WriteString(route.ExtensionMethod ?? throw new InvalidOperationException("An extension HTTP method needs a name."));
        }
        writer.WriteString(route.Path);
    }

    private static RawHttpRouteDefV10 ReadRoute(ref BsatnReader reader)
    {
        var handler = reader.ReadString();
        RawHttpMethod? method = null;
        string? extension = null;
        if (reader.ReadSumTag(2, "MethodOrAny") == 1)
        {
            method = (RawHttpMethod)reader.ReadSumTag(10, "HttpMethod");
            if (method == RawHttpMethod.Extension)
                extension = reader.ReadString();
        }
        return new RawHttpRouteDefV10(handler, method, extension, reader.ReadString());
    }
}
