using System.Net.Http.Headers;
using Meridian.Sats.ModuleDef;
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
    public static DatabaseSchema Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            // The same reader as the code generator's: what the server's RawModuleDef.ToJson writes, read back.
            var definition = RawModuleDefV10.ParseJson(json);
            var typespace = definition.Typespace ?? Typespace.Empty;
            return new DatabaseSchema(typespace, (definition.Tables ?? []).Select(t => ReadTable(t, typespace)).ToArray());
        }
        catch (ModuleDefJsonException e)
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

    private static TableSchema ReadTable(RawTableDefV10 table, Typespace typespace)
    {
        if (typespace.Resolve(AlgebraicType.Ref(table.ProductTypeRef)) is not ProductType rowType)
            throw new FormatException($"The row type of table {table.SourceName} is not a product type.");
        return new TableSchema(
            table.SourceName,
            rowType,
            typespace,
            table.PrimaryKey.Count == 1 ? table.PrimaryKey[0] : null,
            IsPublic: table.TableAccess != TableAccess.Private,
            IsSystem: table.TableType == TableType.System,
            IsEvent: table.IsEvent);
    }
}
