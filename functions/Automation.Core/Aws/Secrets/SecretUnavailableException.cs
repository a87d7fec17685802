namespace Automation.Core.Aws.Secrets;

/// <summary>
/// A secret could not be read. The message names the secret and the reason (the AWS error code and message, or the
/// transport failure), never the secret's value or any credential, so it is safe to log and to fail INIT with.
/// </summary>
public sealed class SecretUnavailableException : Exception
{
    public SecretUnavailableException(string secretId, string reason, Exception? innerException = null)
        : this(variableName: null, secretId, reason, innerException)
    {
    }

    private SecretUnavailableException(string? variableName, string secretId, string reason, Exception? innerException)
        : base(variableName is null
            ? $"Secret '{secretId}' is unavailable: {reason}"
            : $"Secret '{secretId}' (named by {variableName}) is unavailable: {reason}", innerException)
    {
        VariableName = variableName;
        SecretId = secretId;
        Reason = reason;
    }

    /// <summary>The environment variable that named the secret, when the failure is a function's (e.g. GITHUB_SECRET_ARN).</summary>
    public string? VariableName { get; }

    /// <summary>The secret's name or ARN, as asked for.</summary>
    public string SecretId { get; }

    /// <summary>Why it failed, e.g. "ResourceNotFoundException: Secrets Manager can't find the specified secret."</summary>
    public string Reason { get; }

    /// <summary>The same failure, its message also naming the environment variable that named the secret.</summary>
    public SecretUnavailableException ForVariable(string variableName) => new(variableName, SecretId, Reason, this);
}
