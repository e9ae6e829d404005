namespace SpacetimeDB;

/// <summary>
/// Marks a static method as a view: a read-only function whose result clients subscribe to like a
/// table. The first and only parameter is a <c>ViewContext</c> (the result depends on the caller) or
/// an <c>AnonymousViewContext</c> (one result shared by every caller); it returns <c>T?</c>,
/// <c>List&lt;T&gt;</c>, <c>IEnumerable&lt;T&gt;</c> or <c>IQuery&lt;T&gt;</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ViewAttribute : Attribute
{
    /// <summary>The view's source name (what clients subscribe to, after case conversion).</summary>
    public string? Accessor { get; init; }

    /// <summary>An explicit canonical name.</summary>
    public string? Name { get; init; }

    /// <summary>A field of the returned row type (C# name) whose value identifies a row, so clients see updates.</summary>
    public string? PrimaryKey { get; init; }

    /// <summary>Whether clients may subscribe; must be true.</summary>
    public bool Public { get; init; }
}
