using System.Globalization;
using System.Text;
using System.Text.Json;
using Automation.Core.Logs;
using Automation.Core.Rules;
using Automation.Core.Rules.Decisions;
using Automation.Core.Rules.Loading;
using Automation.Core.State;

namespace Automation.Cli;

/// <summary>
/// `validate` and `test`: check a rules file, and run it over a file of log lines with the functions' own parser and
/// rules engine (always dry-run, fresh in-memory state), so what you see offline is what production decides.
/// </summary>
internal sealed class RuleCommands(TextWriter stdout, TextWriter stderr, TimeProvider time)
{
    public const int Success = 0;
    public const int Invalid = 1;
    public const int UsageError = 2;

    private const int TextLinesShown = 20;

    public int Validate(string rulesPath)
    {
        var rules = Load(rulesPath);
        if (rules is null)
        {
            return Invalid;
        }
        stdout.WriteLine($"{rulesPath}: valid, {rules.Rules.Count} rule(s)");
        return Success;
    }

    public async Task<int> TestAsync(string rulesPath, string logsPath, string format, CancellationToken cancellationToken)
    {
        if (format is not ("text" or "json"))
        {
            return Fail($"--format must be text or json, not '{format}'");
        }
        var rules = Load(rulesPath);
        if (rules is null)
        {
            return Invalid;
        }

        List<Automation.Core.Kafka.KafkaRecord> lines;
        try
        {
            lines = LogLineFile.Read(logsPath, time.GetUtcNow());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail($"cannot read log file '{logsPath}': {e.Message}");
        }

        var parser = new LogRecordParser();
        var records = new List<LogRecord>(lines.Count);
        foreach (var line in lines)
        {
            parser.Parse(line, records);
        }
        if (records.Count == 0)
        {
            return Fail($"log file '{logsPath}' holds no log records (one JSON object or text line per line)");
        }

        var engine = new RuleEngine(rules, new InMemoryRuleStateStore(), time, DecisionScope.Everything("cli-test"), dryRun: true);
        var evaluation = await engine.EvaluateAsync(records, new Invocation("cli-test", time.GetUtcNow() + TimeSpan.FromMinutes(15)), cancellationToken).ConfigureAwait(false);

        if (format == "json")
        {
            stdout.WriteLine(Json(rules, records, evaluation));
        }
        else
        {
            WriteText(rules, rulesPath, logsPath, records, evaluation);
        }
        return Success;
    }

    private RuleSet? Load(string rulesPath)
    {
        try
        {
            return RulesLoader.Load(rulesPath);
        }
        catch (RulesValidationException e)
        {
            stderr.WriteLine(e.Message);
            return null;
        }
    }

    // The line of a record is its offset: LogLineFile numbers records by line.
    private static long LineOf(IReadOnlyList<LogRecord> records, int index) => records[index].Source.Offset;

    private static string Json(RuleSet rules, IReadOnlyList<LogRecord> records, RuleEvaluation evaluation)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("records", records.Count);
            json.WriteStartObject("rules");
            for (var i = 0; i < rules.Rules.Count; i++)
            {
                var matched = evaluation.Matches.RecordsOf(i);
                json.WriteStartObject(rules.Rules[i].Id);
                json.WriteNumber("matches", matched.Count);
                json.WriteStartArray("lines");
                foreach (var line in matched.Select(r => LineOf(records, r)).Distinct())
                {
                    json.WriteNumberValue(line);
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();

            json.WriteStartArray("decisions");
            foreach (var decision in evaluation.Decisions)
            {
                json.WriteStartObject();
                json.WriteString("rule", decision.RuleId);
                json.WriteString("outcome", DecisionAudit.OutcomeName(decision.Outcome));
                json.WriteString("reason", decision.Reason);
                json.WriteString("group", decision.Group);
                json.WriteNumber("matches", decision.BatchMatches);
                json.WriteNumber("window_count", decision.WindowCount);
                if (decision.Action is { } action)
                {
                    json.WriteStartObject("action");
                    json.WriteString("type", action.Type);
                    json.WriteStartObject("parameters");
                    foreach (var (name, value) in action.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
                    {
                        json.WriteString(name, value);
                    }
                    json.WriteEndObject();
                    json.WriteEndObject();
                }
                else
                {
                    json.WriteNull("action");
                }
                json.WriteStartArray("lines");
                foreach (var line in decision.Records.Select(r => LineOf(records, r)).Distinct())
                {
                    json.WriteNumberValue(line);
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private void WriteText(RuleSet rules, string rulesPath, string logsPath, IReadOnlyList<LogRecord> records, RuleEvaluation evaluation)
    {
        stdout.WriteLine($"{rulesPath}: {rules.Rules.Count} rule(s) over {records.Count} log record(s) from {logsPath} (dry-run)");
        stdout.WriteLine();
        var width = Math.Max(4, rules.Rules.Max(r => r.Id.Length));
        stdout.WriteLine($"{"rule".PadRight(width)}  {"matches",7}  lines");
        for (var i = 0; i < rules.Rules.Count; i++)
        {
            var lines = evaluation.Matches.RecordsOf(i).Select(r => LineOf(records, r)).Distinct().ToList();
            var shown = string.Join(", ", lines.Take(TextLinesShown).Select(l => l.ToString(CultureInfo.InvariantCulture)));
            if (lines.Count > TextLinesShown)
            {
                shown += $", … ({lines.Count - TextLinesShown} more)";
            }
            stdout.WriteLine($"{rules.Rules[i].Id.PadRight(width)}  {evaluation.Matches.RecordsOf(i).Count,7}  {shown}");
        }

        stdout.WriteLine();
        if (evaluation.Decisions.Count == 0)
        {
            stdout.WriteLine("decisions: none");
            return;
        }
        stdout.WriteLine("decisions:");
        foreach (var decision in evaluation.Decisions)
        {
            var action = decision.Action is { } a
                ? a.Type + string.Concat(a.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $" {p.Key}={p.Value}"))
                : "(no action)";
            stdout.WriteLine($"  {decision.RuleId.PadRight(width)}  {DecisionAudit.OutcomeName(decision.Outcome),-15}  {action}");
            stdout.WriteLine($"  {"".PadRight(width)}  {decision.Reason}{(decision.Group.Length > 0 ? "; group " + decision.Group : "")}");
        }
    }

    private int Fail(string message)
    {
        stderr.WriteLine("error: " + message);
        return UsageError;
    }
}
