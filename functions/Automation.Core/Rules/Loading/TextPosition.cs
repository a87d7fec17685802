using YamlDotNet.Core;

namespace Automation.Core.Rules.Loading;

/// <summary>A place in the YAML text: 1-based line and column, 0-based character index.</summary>
internal readonly record struct TextPosition(int Line, int Column, int Index)
{
    public static TextPosition From(Mark mark) => new((int)mark.Line, (int)mark.Column, (int)mark.Index);
}
