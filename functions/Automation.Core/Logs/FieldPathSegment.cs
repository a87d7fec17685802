using System.Text;

namespace Automation.Core.Logs;

/// <summary>One step of a <see cref="FieldPath"/>: an object key, or an array index when <see cref="Name"/> is null.</summary>
internal readonly struct FieldPathSegment
{
    private FieldPathSegment(string? name, int index)
    {
        Name = name;
        Index = index;
        Utf8Name = name is null ? [] : Encoding.UTF8.GetBytes(name);
    }

    public string? Name { get; }

    public int Index { get; }

    /// <summary>The key as UTF-8, compared against JSON property names without decoding them.</summary>
    public byte[] Utf8Name { get; }

    public bool IsIndex => Name is null;

    public static FieldPathSegment Key(string name) => new(name, -1);

    public static FieldPathSegment At(int index) => new(null, index);
}
