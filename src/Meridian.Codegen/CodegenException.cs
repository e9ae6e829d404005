namespace Meridian.Codegen;

/// <summary>A module definition the generator cannot turn into bindings; the message says which part and why.</summary>
public sealed class CodegenException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CodegenException()
    {
    }

    /// <summary>Creates the exception with its message.</summary>
    public CodegenException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its message and cause.</summary>
    public CodegenException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
