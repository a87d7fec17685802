namespace Automation.Core.Aws.Secrets;

/// <summary>
/// A secret could not be read. The message names the secret and the reason (the AWS error code and message, or the
/// transport failure), never the secret's value or any credential, so it is safe to log and to fail INIT with.
/// </summary>
public sealed class SecretUnavailableException : Exception
{
    public SecretUnavailableException(string secretId, string reason, Exception? innerException = null)
        : base($"Secret '{secretId}' is unavailable: {reason}", innerException)
    {
        SecretId = secretId;
        Reason = reason;
    }

    /// <summary>The secret's name or ARN, as asked for.</summary>
    public string SecretId { get; }

    /// <summary>Why it failed, e.g. "ResourceNotFoundException: Secrets Manager can't find the specified secret."</summary>
    public string Reason { get; }
}
