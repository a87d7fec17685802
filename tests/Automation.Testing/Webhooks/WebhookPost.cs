namespace Automation.Testing.Webhooks;

/// <summary>One request <see cref="FakeWebhook"/> received, and what it answered.</summary>
public sealed record WebhookPost(string Method, string Path, string? ContentType, string Body, int AnsweredStatus, DateTimeOffset ReceivedAt);
