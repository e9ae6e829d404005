using System.Text;

namespace Meridian.Codegen;

/// <summary>Text with indentation and <c>\n</c> line endings whatever the platform, so output is byte-identical everywhere.</summary>
internal sealed class CodeWriter(string indent)
{
    private readonly StringBuilder _text = new();
    private int _depth;
    private bool _lineStart = true;

    public CodeWriter Write(string text)
    {
        if (text.Length == 0)
            return this;
        if (_lineStart)
        {
            for (var i = 0; i < _depth; i++)
                _text.Append(indent);
            _lineStart = false;
        }
        _text.Append(text);
        return this;
    }

    public CodeWriter Line(string text = "")
    {
        Write(text);
        _text.Append('\n');
        _lineStart = true;
        return this;
    }

    public CodeWriter Indent()
    {
        _depth++;
        return this;
    }

    public CodeWriter Dedent()
    {
        _depth--;
        return this;
    }

    /// <summary>Writes <paramref name="open"/>, the body one level deeper, then <paramref name="close"/>.</summary>
    public CodeWriter Block(string open, Action body, string close)
    {
        Line(open);
        Indent();
        body();
        Dedent();
        return Line(close);
    }

    public override string ToString() => _text.ToString();
}
