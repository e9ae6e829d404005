namespace Meridian.Codegen;

/// <summary>One generated file.</summary>
/// <param name="Path">Its path relative to the output directory, with <c>/</c> separators.</param>
/// <param name="Contents">Its text: UTF-8, <c>\n</c> line endings, ending with a newline.</param>
public sealed record GeneratedFile(string Path, string Contents);
