using Automation.Core.Configuration;
using Automation.LogForwarder;

namespace Automation.Functions.Tests.Forwarding;

public sealed class ForwarderOptionsTests
{
    [Fact]
    public void Defaults_are_a_managed_domain_signed_with_the_role()
    {
        var options = ForwarderOptions.FromEnvironment(Env(("OPENSEARCH_ENDPOINT", "https://search-logs.eu-west-1.es.amazonaws.com"), ("AWS_REGION", "eu-west-1")), dryRun: false, hasSecret: false);
        Assert.Equal(new Uri("https://search-logs.eu-west-1.es.amazonaws.com/"), options.Endpoint);
        Assert.Equal("es", options.Service);
        Assert.Equal("sigv4", options.Auth);
    }

    [Theory]
    [InlineData("http://search-logs.example.com", "https:// URL")]
    [InlineData("https://user:pw@search-logs.example.com", "https:// URL")]
    [InlineData("not a url", "https:// URL")]
    public void An_endpoint_that_is_not_https_fails(string endpoint, string gist)
    {
        var error = Assert.Throws<ConfigurationException>(() => ForwarderOptions.FromEnvironment(Env(("OPENSEARCH_ENDPOINT", endpoint), ("AWS_REGION", "eu-west-1")), dryRun: false, hasSecret: false));
        Assert.Contains(gist, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plain_http_is_allowed_on_loopback_only()
    {
        Assert.True(ForwarderOptions.FromEnvironment(Env(("OPENSEARCH_ENDPOINT", "http://127.0.0.1:9200"), ("AWS_REGION", "eu-west-1")), dryRun: false, hasSecret: false).Endpoint!.IsLoopback);
    }

    [Theory]
    [InlineData("OPENSEARCH_SERVICE", "opensearch", "es (a managed domain) or aoss")]
    [InlineData("OPENSEARCH_AUTH", "iam", "sigv4 or basic")]
    [InlineData("OPENSEARCH_AUTH", "basic", "needs OPENSEARCH_SECRET_ARN")]
    public void Invalid_values_fail_init_naming_the_variable(string variable, string value, string gist)
    {
        var error = Assert.Throws<ConfigurationException>(() => ForwarderOptions.FromEnvironment(
            Env(("OPENSEARCH_ENDPOINT", "https://x.example.com"), ("AWS_REGION", "eu-west-1"), (variable, value)), dryRun: false, hasSecret: false));
        Assert.Contains(gist, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_an_endpoint_only_dry_run_starts()
    {
        Assert.Null(ForwarderOptions.FromEnvironment(Env(), dryRun: true, hasSecret: false).Endpoint);
        Assert.Contains("OPENSEARCH_ENDPOINT is not set", Assert.Throws<ConfigurationException>(() => ForwarderOptions.FromEnvironment(Env(), dryRun: false, hasSecret: false)).Message, StringComparison.Ordinal);
        Assert.Contains("AWS_REGION", Assert.Throws<ConfigurationException>(() => ForwarderOptions.FromEnvironment(Env(("OPENSEARCH_ENDPOINT", "https://x.example.com")), dryRun: false, hasSecret: false)).Message, StringComparison.Ordinal);
    }

    private static Func<string, string?> Env(params (string Name, string Value)[] values) =>
        name => values.FirstOrDefault(v => v.Name == name).Value;
}
