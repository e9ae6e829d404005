namespace Meridian.Tests.Shared;

/// <summary>
/// The shape of upstream's codegen fixture <c>explicitnames</c>, written for these tests: snake_case names, a table
/// with an explicit name, a primary key that also carries a named btree with its own accessor, and a unique field
/// carrying an unnamed btree. Tests append their own <c>Reducers</c> class using <c>Things</c>.
/// </summary>
internal static class ExplicitNamesFixture
{
    public const string Table = """
        using SpacetimeDB;
        public static partial class Module
        {
            [SpacetimeDB.Settings]
            public const CaseConversionPolicy Policy = CaseConversionPolicy.SnakeCase;
        }
        [SpacetimeDB.Table(Accessor = "Things", Name = "my_things", Public = true)]
        public partial struct Thing
        {
            [SpacetimeDB.PrimaryKey]
            [SpacetimeDB.Index.BTree(Accessor = "ByKey", Name = "my_key_index")]
            public int Key;
            [SpacetimeDB.Unique, SpacetimeDB.Index.BTree] public int Other;
            public int Value;
        }

        """;
}
