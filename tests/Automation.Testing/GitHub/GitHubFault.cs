using System.Net;

namespace Automation.Testing.GitHub;

/// <summary>An answer the fake GitHub gives instead of the real one: a status, headers (retry-after, x-ratelimit-*) and GitHub's error body.</summary>
public sealed record GitHubFault(HttpStatusCode Status, IReadOnlyDictionary<string, string>? Headers = null, string Message = "fault")
{
    public static GitHubFault ServerError(HttpStatusCode status = HttpStatusCode.BadGateway) => new(status, Message: "Server Error");

    /// <summary>A secondary rate limit: 403 with retry-after.</summary>
    public static GitHubFault RetryAfter(int seconds, HttpStatusCode status = HttpStatusCode.Forbidden) =>
        new(status, new Dictionary<string, string> { ["retry-after"] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.");

    /// <summary>The primary rate limit: 403 with no requests remaining until <paramref name="reset"/>.</summary>
    public static GitHubFault RateLimitReset(DateTimeOffset reset, HttpStatusCode status = HttpStatusCode.Forbidden) =>
        new(status, new Dictionary<string, string>
        {
            ["x-ratelimit-limit"] = "5000",
            ["x-ratelimit-remaining"] = "0",
            ["x-ratelimit-reset"] = reset.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, "API rate limit exceeded for installation.");
}
