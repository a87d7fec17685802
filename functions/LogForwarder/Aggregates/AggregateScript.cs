namespace Automation.LogForwarder.Aggregates;

/// <summary>
/// The Painless script of every aggregate update (a scripted upsert). It keeps, per Kafka partition, the highest
/// offset already counted (<c>watermarks</c>) and adds only records above it. A partition's records reach this
/// function in offset order and a redelivery starts again at the first record not acknowledged, so a replayed batch
/// adds nothing twice and a minute that spans batches adds each batch once: the count stays exact. A batch that adds
/// nothing is a no-op (<c>ctx.op = 'none'</c>).
/// </summary>
internal static class AggregateScript
{
    /// <summary>The first line names the script and its version; the test server recognises it by that line.</summary>
    public const string Marker = "// automation-aggregate v1";

    public const string Source = Marker + """

        def s = ctx._source;
        if (s.count == null) {
          s.rule = params.rule; s.group = params.group; s.minute = params.minute; s['@timestamp'] = params.minute;
          s.count = 0L; s.samples = new ArrayList(); s.watermarks = new ArrayList();
        }
        long added = 0L;
        for (def part : params.partitions) {
          def mark = null;
          for (def w : s.watermarks) { if (w.partition == part.partition) { mark = w; } }
          long seen = mark == null ? -1L : ((Number) mark.offset).longValue();
          long top = seen;
          for (int i = 0; i < part.offsets.size(); i++) {
            long offset = ((Number) part.offsets[i]).longValue();
            if (offset > seen) { added += ((Number) part.counts[i]).longValue(); top = (long) Math.max(top, offset); }
          }
          for (def sample : part.samples) {
            if (((Number) sample.offset).longValue() > seen && s.samples.size() < params.max_samples) { s.samples.add(sample.message); }
          }
          if (mark == null) { s.watermarks.add(['partition': part.partition, 'offset': top]); } else { mark.offset = top; }
        }
        if (added > 0L) {
          s.count = ((Number) s.count).longValue() + added;
          if (s.first_seen == null || params.first_seen.compareTo(s.first_seen) < 0) { s.first_seen = params.first_seen; }
          if (s.last_seen == null || params.last_seen.compareTo(s.last_seen) > 0) { s.last_seen = params.last_seen; }
        } else {
          ctx.op = 'none';
        }
        """;
}
