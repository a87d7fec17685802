namespace Automation.Core.Rules.Loading;

/// <summary>A mapping in file order. Keys are unique: duplicates are reported and dropped when the tree is read.</summary>
internal sealed record YamlMapping(IReadOnlyList<YamlEntry> Entries, TextPosition Start, TextPosition End) : YamlNode(Start, End)
{
    public YamlEntry? Find(string key)
    {
        foreach (var entry in Entries)
        {
            if (entry.Key.Value == key)
            {
                return entry;
            }
        }
        return null;
    }
}
