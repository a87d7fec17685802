using Automation.Core.Aws.Secrets;

namespace Automation.Core.Tests.Aws.Secrets;

/// <summary>Options from the standard environment variables (read through a dictionary, not the process environment).</summary>
public sealed class SecretsManagerClientOptionsTests
{
    private static SecretsManagerClientOptions From(params (string Name, string Value)[] variables)
    {
        var map = variables.ToDictionary(v => v.Name, v => v.Value);
        return SecretsManagerClientOptions.FromEnvironment(name => map.GetValueOrDefault(name));
    }

    [Fact]
    public void TheServiceSpecificEndpointWinsOverTheGlobalOne()
    {
        var options = From(("AWS_REGION", "eu-west-1"), ("AWS_ENDPOINT_URL", "http://127.0.0.1:1/"), ("AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://127.0.0.1:2/"));

        Assert.Equal("eu-west-1", options.Region);
        Assert.Equal(new Uri("http://127.0.0.1:2/"), options.Endpoint);
        Assert.Null(options.ExtensionEndpoint);
        Assert.Equal(SecretsManagerClientOptions.DefaultCacheTtl, options.CacheTtl);
    }

    [Fact]
    public void TheGlobalEndpointAppliesAloneAndBothAreIgnoredOnRequest()
    {
        Assert.Equal(new Uri("http://127.0.0.1:1/"), From(("AWS_REGION", "eu-west-1"), ("AWS_ENDPOINT_URL", "http://127.0.0.1:1/")).Endpoint);
        Assert.Null(From(("AWS_REGION", "eu-west-1"), ("AWS_ENDPOINT_URL", "http://127.0.0.1:1/"), ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")).Endpoint);
    }

    [Fact]
    public void TheExtensionPortSelectsTheExtensionWithTheSessionToken()
    {
        var options = From(("AWS_REGION", "eu-west-1"), ("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", "2773"), ("AWS_SESSION_TOKEN", "tok"));

        Assert.Equal(new Uri("http://localhost:2773"), options.ExtensionEndpoint);
        Assert.Equal("tok", options.ExtensionToken);
    }
}
