using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Automation.Core.Rules.Loading;

/// <summary>
/// Reads YAML text into <see cref="YamlNode"/>s through YamlDotNet's event parser. Reports what a rules file may not
/// use: duplicate keys, anchors and aliases, tags other than !!str, non-text keys, a second document, nesting
/// deeper than <see cref="MaxDepth"/>. A YAML syntax error or too deep a nesting is one problem and ends the reading.
/// </summary>
internal static class YamlTreeReader
{
    /// <summary>Far more than any rules file needs; keeps the readers' recursion bounded.</summary>
    public const int MaxDepth = 64;

    private const string StrTag = "tag:yaml.org,2002:str";

    /// <summary>The first document's root node; null when the text holds no document or does not parse.</summary>
    public static YamlNode? Read(string text, ProblemCollector problems)
    {
        Parser? parser = null;
        try
        {
            parser = new Parser(new StringReader(text));
            parser.Consume<StreamStart>();
            YamlNode? root = null;
            var documents = 0;
            while (!parser.Accept<StreamEnd>(out _))
            {
                var start = parser.Consume<DocumentStart>();
                documents++;
                if (documents > 1)
                {
                    problems.Add(TextPosition.From(start.Start),
                        "a rules file holds one YAML document: remove this '---' and what follows, or merge it into the first");
                    return root;
                }
                root = ReadNode(parser, depth: 1, problems);
                parser.Consume<DocumentEnd>();
            }
            return root;
        }
        catch (YamlException e)
        {
            problems.Add(TextPosition.From(e.Start), $"YAML syntax: {e.Message}");
            return null;
        }
        catch (NestedTooDeep)
        {
            return null;
        }
        catch (InvalidOperationException) when (parser is not null)
        {
            // YamlDotNet's scanner gives up on some malformed plain scalars with this instead of a YamlException.
            var at = parser.Current is { } current ? TextPosition.From(current.End) : new TextPosition(1, 1, 0);
            problems.Add(at, "YAML syntax: the text after this point could not be read (check quotes, brackets and indentation)");
            return null;
        }
    }

    private static YamlNode ReadNode(IParser parser, int depth, ProblemCollector problems)
    {
        var current = parser.Current!;
        var start = TextPosition.From(current.Start);
        if (depth > MaxDepth && current is MappingStart or SequenceStart)
        {
            // Stop reading at once: YamlDotNet's scanner slows down with every open flow level.
            problems.Add(start, $"nested deeper than {MaxDepth} levels");
            throw new NestedTooDeep();
        }

        switch (current)
        {
            case AnchorAlias alias:
                problems.Add(start, $"aliases (*{alias.Value}) are not supported: write the value out where it is used");
                parser.MoveNext();
                return new YamlRejected(start, TextPosition.From(alias.End));
            case Scalar scalar:
                CheckAnchor(scalar, start, problems);
                var tagged = false;
                if (!scalar.Tag.IsEmpty)
                {
                    tagged = scalar.Tag.IsNonSpecific || scalar.Tag.Value == StrTag;
                    if (!tagged)
                    {
                        problems.Add(start, $"the tag '{scalar.Tag.Value}' is not supported: only !!str (to write a number or true/false as text)");
                    }
                }
                parser.MoveNext();
                return new YamlScalar(scalar.Value, scalar.Style, tagged, start, TextPosition.From(scalar.End));
            case SequenceStart sequence:
                CheckAnchor(sequence, start, problems);
                CheckCollectionTag(sequence, "tag:yaml.org,2002:seq", start, problems);
                parser.MoveNext();
                var items = new List<YamlNode>();
                while (!parser.Accept<SequenceEnd>(out _))
                {
                    items.Add(ReadNode(parser, depth + 1, problems));
                }
                var sequenceEnd = parser.Consume<SequenceEnd>();
                return new YamlSequence(items, start, TextPosition.From(sequenceEnd.End));
            case MappingStart mapping:
                CheckAnchor(mapping, start, problems);
                CheckCollectionTag(mapping, "tag:yaml.org,2002:map", start, problems);
                parser.MoveNext();
                return ReadMapping(parser, start, depth, problems);
            default:
                // The parser only yields the events above inside a document.
                throw new YamlException(current.Start, current.End, $"unexpected {current.GetType().Name}");
        }
    }

    private static YamlMapping ReadMapping(IParser parser, TextPosition start, int depth, ProblemCollector problems)
    {
        var entries = new List<YamlEntry>();
        var seen = new Dictionary<string, YamlScalar>(StringComparer.Ordinal);
        while (!parser.Accept<MappingEnd>(out _))
        {
            var keyNode = ReadNode(parser, depth + 1, problems);
            var value = ReadNode(parser, depth + 1, problems);
            if (keyNode is not YamlScalar key)
            {
                if (keyNode is not YamlRejected)
                {
                    problems.At(keyNode, "a key must be text, not a list or a mapping");
                }
                continue;
            }
            if (seen.TryGetValue(key.Value, out var first))
            {
                problems.At(key, $"duplicate key '{key.Value}' (first at line {first.Start.Line}, column {first.Start.Column}): a key may appear once");
                continue;
            }
            seen.Add(key.Value, key);
            entries.Add(new YamlEntry(key, value));
        }
        var end = parser.Consume<MappingEnd>();
        return new YamlMapping(entries, start, TextPosition.From(end.End));
    }

    /// <summary>Ends the reading once nesting went too deep (already reported).</summary>
    private sealed class NestedTooDeep : Exception;

    private static void CheckAnchor(NodeEvent node, TextPosition start, ProblemCollector problems)
    {
        if (!node.Anchor.IsEmpty)
        {
            problems.Add(start, $"anchors (&{node.Anchor.Value}) are not supported: write each value out where it is used");
        }
    }

    private static void CheckCollectionTag(NodeEvent node, string allowed, TextPosition start, ProblemCollector problems)
    {
        if (!node.Tag.IsEmpty && !node.Tag.IsNonSpecific && node.Tag.Value != allowed)
        {
            problems.Add(start, $"the tag '{node.Tag.Value}' is not supported here");
        }
    }
}
