namespace Automation.Core.Configuration;

/// <summary>The function's configuration is wrong. Thrown during INIT so Lambda reports it through /runtime/init/error.</summary>
public sealed class ConfigurationException(string message) : Exception(message);
