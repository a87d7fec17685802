using Automation.Core.Kafka;
using Automation.Core.Logs;
using Automation.Testing;
using BenchmarkDotNet.Attributes;

namespace Automation.Benchmarks;

/// <summary>Decode (and parse) one 6 MB MSK event of Fluent Bit records, the largest batch Lambda delivers.</summary>
[MemoryDiagnoser]
public class DecodeBenchmarks
{
    private byte[] _event = [];
    private readonly LogRecordParser _parser = new();
    private readonly List<LogRecord> _logs = new(8192);

    [GlobalSetup]
    public void Setup() => _event = FluentBitSamples.SixMegabyteEvent();

    [Benchmark(Baseline = true)]
    public int Decode() => KafkaEventDecoder.Decode(_event).Records.Count;

    [Benchmark]
    public int DecodeAndParse()
    {
        var batch = KafkaEventDecoder.Decode(_event);
        _logs.Clear();
        foreach (var record in batch.Records)
        {
            _parser.Parse(record, _logs);
        }
        return _logs.Count;
    }
}
