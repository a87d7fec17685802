using System.Globalization;
using Automation.Core.Rules.Settings;

namespace Automation.Core.Rules.Loading;

internal sealed partial class RulesReader
{
    private const string RecordsKey = "records", DropKey = "drop", IndexKey = "index", DataStreamKey = "data_stream",
        DeadLetterIndexKey = "dead_letter_index", AggregatesKey = "aggregates", EnabledKey = "enabled", SamplesKey = "samples",
        BulkKey = "bulk", MaxBytesKey = "max_bytes", GzipKey = "gzip", AuditIndexKey = "audit_index";

    /// <summary>The keys of <c>forwarding:</c>, its <c>aggregates:</c> and its <c>bulk:</c>; rules.schema.json lists the same.</summary>
    internal static IReadOnlyList<string> ForwardingKeys { get; } = [RecordsKey, DropKey, IndexKey, DataStreamKey, DeadLetterIndexKey, AggregatesKey, BulkKey, AuditIndexKey];

    internal static IReadOnlyList<string> ForwardingAggregatesKeys { get; } = [EnabledKey, IndexKey, SamplesKey];

    internal static IReadOnlyList<string> ForwardingBulkKeys { get; } = [MaxBytesKey, GzipKey];

    /// <summary>
    /// The <c>forwarding:</c> section: which records LogForwarderFunction forwards and where. Keys left out keep
    /// <see cref="ForwardingSettings.Default"/>. <paramref name="rules"/> are the file's valid rules, which drop: must name.
    /// </summary>
    private ForwardingSettings? ReadForwarding(YamlNode node, IReadOnlyList<Rule> rules)
    {
        if (node is not YamlMapping map)
        {
            Expected(node, "forwarding", "a mapping");
            return null;
        }
        var before = _problems.Count;
        CheckKeys(map, ForwardingKeys, "in forwarding:");
        var settings = ForwardingSettings.Default;

        if (map.Find(RecordsKey) is { } records)
        {
            switch (Text(records.Value, "forwarding records"))
            {
                case "all":
                    settings = settings with { AllRecords = true };
                    break;
                case "matched":
                    settings = settings with { AllRecords = false };
                    break;
                case { } other:
                    _problems.At(records.Value, $"forwarding records must be all (every record) or matched (records matched by a rule with a forward action), not '{Shorten(other)}'");
                    break;
            }
        }

        if (map.Find(DropKey) is { } drop && Sequence(drop.Value, "forwarding drop", "a list of rule ids") is { } dropList)
        {
            var ids = new List<string>();
            foreach (var item in dropList.Items)
            {
                if (Text(item, "a drop rule id") is not { } id)
                {
                    continue;
                }
                if (!rules.Any(r => r.Id == id))
                {
                    _problems.At(item, $"forwarding drop names rule '{Shorten(id)}', which is not a rule of this file");
                    continue;
                }
                ids.Add(id);
            }
            settings = settings with { Drop = ids };
        }

        var index = map.Find(IndexKey);
        var dataStream = map.Find(DataStreamKey);
        if (index is not null && dataStream is not null)
        {
            _problems.At(dataStream.Key, "forwarding takes index: or data_stream:, not both");
        }
        else if (index is not null && IndexName(index.Value, "forwarding index") is { } pattern)
        {
            settings = settings with { Index = pattern };
        }
        else if (dataStream is not null && IndexName(dataStream.Value, "forwarding data_stream") is { } stream)
        {
            if (!stream.IsFixed)
            {
                _problems.At(dataStream.Value, "a data stream has one name: it rolls over by itself, so it takes no %{date} part");
            }
            else
            {
                settings = settings with { Index = null, DataStream = stream.Text };
            }
        }

        if (map.Find(DeadLetterIndexKey) is { } deadLetter && IndexName(deadLetter.Value, "forwarding dead_letter_index") is { } deadLetterPattern)
        {
            settings = settings with { DeadLetterIndex = deadLetterPattern };
        }

        if (map.Find(AuditIndexKey) is { } auditIndex && IndexName(auditIndex.Value, "forwarding audit_index") is { } auditPattern)
        {
            settings = settings with { AuditIndex = auditPattern };
        }

        if (map.Find(AggregatesKey) is { } aggregates)
        {
            settings = ReadAggregates(aggregates.Value, settings);
        }
        if (map.Find(BulkKey) is { } bulk)
        {
            settings = ReadBulk(bulk.Value, settings);
        }
        return _problems.Count > before ? null : settings;
    }

    private ForwardingSettings ReadAggregates(YamlNode node, ForwardingSettings settings)
    {
        if (node is not YamlMapping map)
        {
            Expected(node, "forwarding aggregates", "a mapping such as { enabled: true, index: logs-aggregates-%{yyyy.MM}, samples: 3 }");
            return settings;
        }
        CheckKeys(map, ForwardingAggregatesKeys, "in forwarding aggregates:");
        if (map.Find(EnabledKey) is { } enabled && Bool(enabled.Value, "forwarding aggregates enabled") is { } on)
        {
            settings = settings with { Aggregates = on };
        }
        if (map.Find(IndexKey) is { } index && IndexName(index.Value, "forwarding aggregates index") is { } pattern)
        {
            settings = settings with { AggregatesIndex = pattern };
        }
        if (map.Find(SamplesKey) is { } samples)
        {
            if (IntegerIn(samples.Value, 0, ForwardingSettings.MaxSamples) is { } n)
            {
                settings = settings with { Samples = n };
            }
            else
            {
                Expected(samples.Value, "forwarding aggregates samples", $"a whole number from 0 to {ForwardingSettings.MaxSamples}");
            }
        }
        return settings;
    }

    private ForwardingSettings ReadBulk(YamlNode node, ForwardingSettings settings)
    {
        if (node is not YamlMapping map)
        {
            Expected(node, "forwarding bulk", "a mapping such as { max_bytes: 5MiB, gzip: true }");
            return settings;
        }
        CheckKeys(map, ForwardingBulkKeys, "in forwarding bulk:");
        if (map.Find(MaxBytesKey) is { } maxBytes && ByteSize(maxBytes.Value, "forwarding bulk max_bytes") is { } bytes)
        {
            settings = settings with { BulkMaxBytes = bytes };
        }
        if (map.Find(GzipKey) is { } gzip && Bool(gzip.Value, "forwarding bulk gzip") is { } compress)
        {
            settings = settings with { Gzip = compress };
        }
        return settings;
    }

    private IndexPattern? IndexName(YamlNode node, string what)
    {
        if (Text(node, what) is not { } text)
        {
            return null;
        }
        if (IndexPattern.TryParse(text, out var pattern, out var error))
        {
            return pattern;
        }
        _problems.At(node, $"{what} '{Shorten(text)}': {error}");
        return null;
    }

    /// <summary>A size in bytes: a whole number, or one with KiB or MiB (5MiB, 512KiB).</summary>
    private long? ByteSize(YamlNode node, string what)
    {
        var text = node is YamlScalar { Kind: ScalarKind.Int or ScalarKind.String } scalar ? scalar.Value.Trim() : null;
        long? bytes = null;
        if (text is not null)
        {
            var (digits, unit) = text.EndsWith("MiB", StringComparison.Ordinal) ? (text[..^3], 1024L * 1024)
                : text.EndsWith("KiB", StringComparison.Ordinal) ? (text[..^3], 1024L)
                : (text, 1L);
            if (long.TryParse(digits.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= ForwardingSettings.MaxBulkMaxBytes)
            {
                bytes = n * unit;
            }
        }
        if (bytes is not { } value || value < ForwardingSettings.MinBulkMaxBytes || value > ForwardingSettings.MaxBulkMaxBytes)
        {
            Expected(node, what, $"a size from 1KiB to 100MiB (a number of bytes, or with KiB or MiB: 5MiB)");
            return null;
        }
        return value;
    }
}
