using System.Net.Http.Headers;
using System.Text.Json;
using Meridian.Sats.Json;
using Meridian.Sats.Types;

namespace Meridian.Client.Dynamic;

/// <summary>
/// What a client needs of a database's schema to read rows without generated bindings: the
/// typespace and each table's name, row type, primary key and access, read from the JSON that
/// <c>GET /v1/database/NAME/schema?version=10</c> serves.
/// </summary>
public sealed class DatabaseSchema
{
    private readonly Dictionary<string, TableSchema> _byName;

    private DatabaseSchema(Typespace typespace, IReadOnlyList<TableSchema> tables)
    {
        Typespace = typespace;
        Tables = tables;
        _byName = tables.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>The module's typespace (row types refer into it).</summary>
    public Typespace Typespace { get; }

    /// <summary>Every table, in module order.</summary>
    public IReadOnlyList<TableSchema> Tables { get; }

    /// <summary>The table named <paramref name="name"/> (its name in SQL), or null.</summary>
    public TableSchema? Find(string name) => _byName.TryGetValue(name, out var table) ? table : null;

    /// <summary>Reads the JSON of <c>/schema?version=10</c> (also accepted wrapped as <c>{"V10": ...}</c>).</summary>
    /// <exception cref="FormatException">The text is not a version-10 module definition.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA1507", Justification = "SATS-JSON wire names, not C# names.")]
    public static DatabaseSchema Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 512 });
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("V10", out var inner))
                root = inner;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("sections", out var sections) || sections.ValueKind != JsonValueKind.Array)
                throw new FormatException("The schema has no \"sections\" array: ask the server for /schema?version=10.");
            var typespace = Typespace.Empty;
            var tables = new List<JsonElement>();
            foreach (var section in sections.EnumerateArray())
            {
                if (section.TryGetProperty("Typespace", out var ts))
                    typespace = SatsJson.ReadTypespace(ts);
                else if (section.TryGetProperty("Tables", out var t))
                    tables.AddRange(t.EnumerateArray());
            }
            return new DatabaseSchema(typespace, tables.Select(t => ReadTable(t, typespace)).ToArray());
        }
        catch (Exception e) when (e is JsonException or SatsJsonException or InvalidOperationException or KeyNotFoundException)
        {
            throw new FormatException("The schema could not be read: " + e.Message, e);
        }
    }

    /// <summary>Fetches the schema of <paramref name="database"/> from the server at <paramref name="server"/>.</summary>
    /// <exception cref="MeridianClientException">The server refused or the database does not exist.</exception>
    public static async Task<DatabaseSchema> FetchAsync(
        HttpClient http, Uri server, string database, string? token = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(database);
        var uri = new Uri(server, $"v1/database/{Uri.EscapeDataString(database)}/schema?version=10");
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
#if NET
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
#else
        var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
#endif
        if (!response.IsSuccessStatusCode)
            throw new MeridianClientException($"The schema of '{database}' could not be read ({(int)response.StatusCode}): {body.Trim()}");
        try
        {
            return Parse(body);
        }
        catch (FormatException e)
        {
            throw new MeridianClientException($"The schema of '{database}' could not be read: {e.Message}", e);
        }
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA1507", Justification = "SATS-JSON wire names, not C# names.")]
    private static TableSchema ReadTable(JsonElement json, Typespace typespace)
    {
        var name = json.GetProperty("source_name").GetString() ?? throw new FormatException("A table has no name.");
        var typeRef = json.GetProperty("product_type_ref").GetUInt32();
        if (typespace.Resolve(AlgebraicType.Ref(typeRef)) is not ProductType rowType)
            throw new FormatException($"The row type of table {name} is not a product type.");
        var primaryKey = json.TryGetProperty("primary_key", out var pk) && pk.ValueKind == JsonValueKind.Array
            ? pk.EnumerateArray().Select(c => (int)c.GetUInt16()).ToArray()
            : [];
        return new TableSchema(
            name,
            rowType,
            typespace,
            primaryKey.Length == 1 ? primaryKey[0] : null,
            IsPublic: UnitVariant(json, "table_access") != "Private",
            IsSystem: UnitVariant(json, "table_type") == "System",
            IsEvent: json.TryGetProperty("is_event", out var ev) && ev.ValueKind == JsonValueKind.True);
    }

    // A unit variant in typed SATS-JSON: {"Public": []}.
    private static string? UnitVariant(JsonElement json, string property) =>
        json.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Object
            ? value.EnumerateObject().Select(p => p.Name).FirstOrDefault()
            : null;
}
