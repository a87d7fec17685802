using System.Text;
using System.Text.Json;
using Automation.Core.Logs;
using static Automation.Core.Tests.Logs.LogTestRecords;

namespace Automation.Core.Tests.Logs;

public sealed class LogRecordParserTests
{
    [Fact]
    public void A_plain_text_line_is_one_record_with_the_kafka_time()
    {
        var (result, records) = Parse(Record("GET /health 200\n", offset: 7));

        Assert.Equal(new LogParseResult(1, false, false, null), result);
        var log = Assert.Single(records);
        Assert.Equal(LogFormat.Text, log.Format);
        Assert.Equal("GET /health 200", log.Message);
        Assert.Equal(("logs", 3, 7L), (log.Source.Topic, log.Source.Partition, log.Source.Offset));
        Assert.Equal(KafkaTime, log.Timestamp);
        Assert.Equal(LogTimestampSource.Kafka, log.TimestampSource);
        Assert.Null(log.Level);
        Assert.Null(log.Kubernetes);
        Assert.Null(log.Fields["log"]);
    }

    [Theory]
    [InlineData("line\r\n", "line")]
    [InlineData("line\n", "line")]
    [InlineData("line\r\n\r\n", "line")]
    [InlineData("first\r\nsecond\r\n", "first\r\nsecond")]
    [InlineData("  indented  ", "  indented  ")]
    public void Trailing_line_ends_are_trimmed_and_inner_ones_kept(string value, string message)
    {
        Assert.Equal(message, ParseOne(value).Message);
    }

    [Fact]
    public void Json_with_crlf_after_it_is_still_json()
    {
        var log = ParseOne("{\"log\":\"boom\\r\\n\",\"stream\":\"stderr\"}\r\n");

        Assert.Equal(LogFormat.Json, log.Format);
        Assert.Equal("boom", log.Message);
        Assert.Equal("boom\r\n", log.Fields["log"]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\r\n")]
    [InlineData("  \t\n")]
    public void An_empty_value_gives_no_record_and_is_not_malformed(string value)
    {
        var (result, records) = Parse(value);

        Assert.Equal(new LogParseResult(0, false, false, null), result);
        Assert.Empty(records);
    }

    [Fact]
    public void Invalid_utf8_is_replaced_and_reported()
    {
        byte[] value = [.. "abc"u8, 0xFF, .. "def"u8, 0xC3, (byte)'\n'];

        var (result, records) = Parse(Record(value));

        Assert.True(result.InvalidUtf8);
        Assert.False(result.Malformed);
        Assert.Equal("abc\uFFFDdef\uFFFD", Assert.Single(records).Message);
    }

    [Fact]
    public void Invalid_utf8_inside_json_keeps_the_json()
    {
        byte[] value = [.. "{\"log\":\"caf"u8, 0xC3, 0x28, .. " au lait\",\"level\":\"info\"}"u8];

        var (result, records) = Parse(Record(value));

        Assert.True(result.InvalidUtf8);
        Assert.False(result.Malformed);
        var log = Assert.Single(records);
        Assert.Equal(LogFormat.Json, log.Format);
        Assert.Equal("caf\uFFFD( au lait", log.Message);
        Assert.Equal("info", log.Level);
    }

    [Fact]
    public void A_utf8_bom_is_dropped()
    {
        byte[] value = [0xEF, 0xBB, 0xBF, .. "{\"msg\":\"hi\"}"u8];

        var log = Assert.Single(Parse(Record(value)).Records);

        Assert.Equal(LogFormat.Json, log.Format);
        Assert.Equal("hi", log.Message);
    }

    [Theory]
    [InlineData("{\"log\":\"password=hunter2")]
    [InlineData("{\"log\":\"password=hunter2\"} and more")]
    [InlineData("{\"log\":\"password=hunter2\",}")]
    [InlineData("{password=hunter2}")]
    [InlineData("{\"a\":1}{\"password\":\"hunter2\"}")]
    public void Json_that_does_not_parse_is_kept_whole_as_text_and_reported_without_its_content(string value)
    {
        var (result, records) = Parse(Record(value + "\n"));

        Assert.True(result.Malformed);
        Assert.Equal(1, result.Produced);
        Assert.NotNull(result.Problem);
        Assert.DoesNotContain("hunter2", result.Problem);
        var log = Assert.Single(records);
        Assert.Equal(LogFormat.Text, log.Format);
        Assert.Equal(value, log.Message);
        Assert.Equal(LogTimestampSource.Kafka, log.TimestampSource);
    }

    [Fact]
    public void A_bracketed_text_line_is_text_not_json()
    {
        var (result, records) = Parse("[2019-04-05T14:54:23.584269761] Simple text");

        Assert.False(result.Malformed);
        Assert.Equal(LogFormat.Text, Assert.Single(records).Format);
    }

    [Fact]
    public void Fluent_bit_record_with_application_json_in_log_merges_it()
    {
        var value = FluentBit(
            log: """{"level":"ERROR","msg":"db down","time":"2024-01-02T03:04:05.123456789Z","user":{"id":7},"kubernetes":{"pod_name":"evil"}}""" + "\n");

        var log = ParseOne(value);

        Assert.Equal("db down", log.Message);
        Assert.Equal("error", log.Level);
        Assert.Equal("stderr", log.Stream);
        Assert.Equal(new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1234567), log.Timestamp);
        Assert.Equal(LogTimestampSource.Record, log.TimestampSource);
        // Merge_Log style: the app's fields from the top and under "log"; "log" itself is the raw line.
        Assert.Equal("7", log.Fields["user.id"]);
        Assert.Equal("7", log.Fields["log.user.id"]);
        Assert.StartsWith("{\"level\":\"ERROR\"", log.Fields["log"]);
        // What the app writes cannot pass for the pod's metadata.
        Assert.Equal("api-7d4b9", log.Kubernetes!.PodName);
        Assert.Equal("api-7d4b9", log.Fields["kubernetes.pod_name"]);
        Assert.Equal("evil", log.Fields["log.kubernetes.pod_name"]);
    }

    [Fact]
    public void Application_json_without_a_message_key_keeps_the_line_as_message()
    {
        var log = ParseOne(FluentBit(log: "{\"text\":\"Simple text\"}\n"));

        Assert.Equal("{\"text\":\"Simple text\"}", log.Message);
        Assert.Equal("Simple text", log.Fields["text"]);
    }

    [Fact]
    public void Invalid_json_in_log_is_plain_text_and_the_record_is_not_malformed()
    {
        var log = ParseOne(FluentBit(log: "{\"text\":\"Simple text\"]\n"));

        Assert.Equal("{\"text\":\"Simple text\"]", log.Message);
        Assert.Null(log.Fields["text"]);
        Assert.Equal("api-7d4b9", log.Kubernetes!.PodName);
    }

    [Theory]
    [InlineData("""{"message":"m1","msg":"m2","log":"l"}""", "m1")]
    [InlineData("""{"msg":"m2","log":"l"}""", "m2")]
    [InlineData("""{"log":"l","MESSAGE":"journal"}""", "l")]
    [InlineData("""{"MESSAGE":"journal","PRIORITY":"6"}""", "journal")]
    [InlineData("""{"message":{"code":5},"msg":"m2"}""", """{"code":5}""")]
    [InlineData("""{"message":null,"msg":"m2"}""", "m2")]
    [InlineData("""{"message":42}""", "42")]
    [InlineData("""{"event":"login","user":"ann","stream":"stdout","time":"2024-01-01T00:00:00Z"}""", """{"event":"login","user":"ann"}""")]
    [InlineData("""{"stream":"stdout","kubernetes":{"pod_name":"p"}}""", "")]
    public void Message_precedence(string value, string message)
    {
        Assert.Equal(message, ParseOne(value).Message);
    }

    [Fact]
    public void The_application_message_wins_over_the_records()
    {
        var log = ParseOne("""{"message":"outer","log":"{\"message\":\"inner\"}"}""");

        Assert.Equal("inner", log.Message);
        Assert.Equal("outer", log.Fields["message"]);
    }

    [Theory]
    [InlineData("""{"level":"WARNING","severity":"error"}""", "warn")]
    [InlineData("""{"severity":"Information"}""", "info")]
    [InlineData("""{"lvl":"CRIT"}""", "fatal")]
    [InlineData("""{"loglevel":"err"}""", "error")]
    [InlineData("""{"log.level":"Debug"}""", "debug")]
    [InlineData("""{"level":50}""", "error")]
    [InlineData("""{"level":30}""", "info")]
    [InlineData("""{"level":7}""", "7")]
    [InlineData("""{"level":"  Notice "}""", "info")]
    [InlineData("""{"level":"Custom-Level"}""", "custom-level")]
    [InlineData("""{"level":"","severity":"warn"}""", "warn")]
    [InlineData("""{"level":{"name":"x"},"severity":"fatal"}""", "fatal")]
    [InlineData("""{"msg":"no level"}""", null)]
    public void Level_precedence_and_normalisation(string value, string? level)
    {
        Assert.Equal(level, ParseOne(value).Level);
    }

    [Fact]
    public void The_application_level_wins_over_the_records()
    {
        Assert.Equal("error", ParseOne("""{"level":"info","log":"{\"severity\":\"ERROR\"}"}""").Level);
    }

    [Theory]
    [InlineData("""{"@timestamp":1554141513.598656,"time":"2000-01-01T00:00:00Z"}""", "2019-04-01T17:58:33.598656Z")]
    [InlineData("""{"timestamp":"2024-01-01T00:00:00Z","time":"2023-01-01T00:00:00Z"}""", "2024-01-01T00:00:00Z")]
    [InlineData("""{"time":"2024-01-01T02:00:00+02:00"}""", "2024-01-01T00:00:00Z")]
    [InlineData("""{"time":"2019-04-05T14:54:23.584269761"}""", "2019-04-05T14:54:23.5842697Z")]
    [InlineData("""{"time":"2019-04-05 14:54:23,123"}""", "2019-04-05T14:54:23.123Z")]
    [InlineData("""{"ts":1700000000123}""", "2023-11-14T22:13:20.123Z")]
    [InlineData("""{"ts":1700000000123456}""", "2023-11-14T22:13:20.123456Z")]
    [InlineData("""{"ts":1700000000123456789}""", "2023-11-14T22:13:20.1234567Z")]
    [InlineData("""{"ts":"1700000000"}""", "2023-11-14T22:13:20Z")]
    [InlineData("""{"ts":1.7e9}""", "2023-11-14T22:13:20Z")]
    [InlineData("""{"time":"yesterday","ts":1700000000}""", "2023-11-14T22:13:20Z")]
    [InlineData("""{"@timestamp":"2024-03-04T05:06:07.890Z","message":"ecs"}""", "2024-03-04T05:06:07.89Z")]
    public void Timestamp_precedence_and_formats(string value, string expected)
    {
        var log = ParseOne(value);

        Assert.Equal(LogTimestampSource.Record, log.TimestampSource);
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), log.Timestamp);
        Assert.Equal(TimeSpan.Zero, log.Timestamp.Offset);
    }

    [Fact]
    public void The_application_time_wins_over_the_records()
    {
        var log = ParseOne("""{"@timestamp":1554141513.5,"log":"{\"time\":\"2019-04-05T14:54:23Z\"}"}""");

        Assert.Equal(new DateTimeOffset(2019, 4, 5, 14, 54, 23, TimeSpan.Zero), log.Timestamp);
    }

    [Theory]
    [InlineData("""{"msg":"no time"}""")]
    [InlineData("""{"time":"not a time","ts":0,"timestamp":-5,"@timestamp":true}""")]
    [InlineData("""{"time":1e400}""")]
    [InlineData("""{"time":"99999999999999999999999999"}""")]
    public void Without_a_usable_time_the_kafka_timestamp_is_used(string value)
    {
        var log = ParseOne(value);

        Assert.Equal(KafkaTime, log.Timestamp);
        Assert.Equal(LogTimestampSource.Kafka, log.TimestampSource);
    }

    [Theory]
    [InlineData("""{"msg":"no time"}""")]
    [InlineData("plain text")]
    [InlineData("{broken")]
    public void Without_any_time_the_epoch_is_used_and_flagged_unknown(string value)
    {
        var log = Assert.Single(Parse(Record(value, noTimestamp: true)).Records);

        Assert.Equal(DateTimeOffset.UnixEpoch, log.Timestamp);
        Assert.Equal(LogTimestampSource.Unknown, log.TimestampSource);
    }

    [Fact]
    public void A_stream_that_is_not_a_string_is_ignored()
    {
        Assert.Null(ParseOne("""{"msg":"x","stream":1}""").Stream);
    }

    [Fact]
    public void Owner_falls_back_to_the_created_by_annotation_only_when_readable()
    {
        var createdBy = """{"kind":"SerializedReference","reference":{"kind":"ReplicaSet","name":"web-5d8","uid":"u-1","apiVersion":"extensions"}}""";
        var good = ParseOne(FluentBit("x", annotations: new() { ["kubernetes.io/created-by"] = createdBy }));
        var broken = ParseOne(FluentBit("x", annotations: new() { ["kubernetes.io/created-by"] = "{\"reference\":{\"kind\":" }));

        Assert.Equal(new OwnerReference("ReplicaSet", "web-5d8", "extensions", "u-1", true), Assert.Single(good.Kubernetes!.OwnerReferences));
        Assert.Empty(broken.Kubernetes!.OwnerReferences);
        Assert.Null(broken.Kubernetes.Controller);
    }

    [Fact]
    public void Controller_prefers_the_controlling_owner()
    {
        var value = """{"log":"x","kubernetes":{"pod_name":"p","ownerReferences":[{"kind":"Node","name":"n1"},{"kind":"StatefulSet","name":"db","controller":true},{"name":"no-kind"}]}}""";

        var k8s = ParseOne(value).Kubernetes!;

        Assert.Equal(2, k8s.OwnerReferences.Count);
        Assert.Equal("db", k8s.Controller!.Name);
        Assert.Null(k8s.OwnerReferences[0].Controller);
    }

    [Fact]
    public void Kubernetes_that_is_not_an_object_gives_no_metadata()
    {
        Assert.Null(ParseOne("""{"log":"x","kubernetes":"yes"}""").Kubernetes);
    }

    [Fact]
    public void Parse_never_changes_earlier_records_in_the_output()
    {
        var output = new List<LogRecord>();
        var parser = new LogRecordParser();

        parser.Parse(Record("first"), output);
        var result = parser.Parse(Record("{\"msg\":\"second\"}"), output);

        Assert.Equal(1, result.Produced);
        Assert.Equal(["first", "second"], output.Select(r => r.Message));
    }

    /// <summary>A Fluent Bit Kafka value for pod api-7d4b9 with the given log line.</summary>
    internal static string FluentBit(string log, Dictionary<string, string>? annotations = null)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("@timestamp", 1554141513.598656);
            writer.WriteString("log", log);
            writer.WriteString("stream", "stderr");
            writer.WriteString("time", "2019-04-01T17:58:33.598656444Z");
            writer.WriteStartObject("kubernetes");
            writer.WriteString("pod_name", "api-7d4b9");
            writer.WriteString("namespace_name", "shop");
            writer.WriteString("container_name", "api");
            writer.WriteStartObject("labels");
            writer.WriteString("app.kubernetes.io/name", "api");
            writer.WriteEndObject();
            if (annotations is not null)
            {
                writer.WriteStartObject("annotations");
                foreach (var (key, value) in annotations)
                {
                    writer.WriteString(key, value);
                }
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
