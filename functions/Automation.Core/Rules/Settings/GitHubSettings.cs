using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Automation.Core.Rules.Settings;

/// <summary>
/// The rules file's top-level <c>github:</c> section, read by RollbackFunction for its github_workflow actions.
/// </summary>
/// <param name="Repositories">The repositories (owner/name) actions may dispatch to; compared ignoring case, as GitHub does.</param>
/// <param name="BudgetCount">At most this many dispatches per repository within <paramref name="BudgetWithin"/>, across all rules.</param>
/// <param name="BudgetWithin">The budget's sliding window.</param>
/// <param name="ApiUrl">
/// The API's base address: null for github.com; a GitHub Enterprise Server's address otherwise (Octokit adds
/// <c>/api/v3/</c> to any host but github.com).
/// </param>
/// <param name="DeployWorkflow">The deploy workflow (file name or id) whose newest successful run rollback_to: last_successful_run looks up.</param>
/// <param name="SampleInput">When set, every dispatch also sends a few of the group's matching lines as this input.</param>
/// <param name="SampleLines">How many lines (the newest) go into <paramref name="SampleInput"/>.</param>
/// <param name="SampleLineLength">Each sample line is cut to this many characters.</param>
public sealed record GitHubSettings(
    IReadOnlyList<string> Repositories,
    int BudgetCount = GitHubSettings.DefaultBudgetCount,
    TimeSpan? BudgetWithin = null,
    Uri? ApiUrl = null,
    string? DeployWorkflow = null,
    string? SampleInput = null,
    int SampleLines = GitHubSettings.DefaultSampleLines,
    int SampleLineLength = GitHubSettings.DefaultSampleLineLength)
{
    /// <summary>GitHub's limit on the number of inputs of a workflow_dispatch (REST API description: inputs maxProperties).</summary>
    public const int MaxInputs = 25;

    /// <summary>GitHub's limit on the size of a workflow_dispatch's inputs, in characters (Actions docs, workflow_dispatch).</summary>
    public const int MaxInputsPayload = 65_535;

    /// <summary>The input that carries the head commit found by rollback_to: last_successful_run.</summary>
    public const string RollbackInput = "rollback_to";

    public const int DefaultBudgetCount = 3;
    public const int DefaultSampleLines = 3;
    public const int DefaultSampleLineLength = 200;

    public static readonly TimeSpan DefaultBudgetWithin = TimeSpan.FromHours(1);

    public TimeSpan Budget => BudgetWithin ?? DefaultBudgetWithin;

    /// <summary>True when <paramref name="repository"/> (owner/name) is on the allow-list.</summary>
    public bool Allows(string repository) => Repositories.Contains(repository, StringComparer.OrdinalIgnoreCase);

    /// <summary>The size of <paramref name="inputs"/> as the JSON object a dispatch sends, in characters.</summary>
    public static int InputsPayloadLength(IEnumerable<KeyValuePair<string, string>> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            foreach (var (name, value) in inputs)
            {
                json.WriteString(name, value);
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetCharCount(buffer.WrittenSpan);
    }
}
