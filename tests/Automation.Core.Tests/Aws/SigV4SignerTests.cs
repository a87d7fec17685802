using Amazon.Runtime;
using Automation.Core.Aws;
using Automation.Testing;

namespace Automation.Core.Tests.Aws;

/// <summary>The signer beyond the JSON protocol's POST: other methods, query strings and a precomputed payload hash, against botocore.</summary>
public sealed class SigV4SignerTests
{
    [Theory]
    [InlineData("GET", "https://search-logs.eu-west-1.es.amazonaws.com/_cluster/health?wait_for_status=yellow&timeout=5s", "es")]
    [InlineData("PUT", "https://search-logs.eu-west-1.es.amazonaws.com/logs-2026.11.27/_doc/k8s-logs-0-1?refresh=true&b=2&a=x%20y", "es")]
    [InlineData("POST", "https://abc123.eu-west-1.aoss.amazonaws.com/_bulk", "aoss")]
    public void Signatures_equal_botocores(string method, string url, string service)
    {
        if (!Python.HasModule("botocore.auth"))
        {
            return; // Without botocore there is nothing to compare with.
        }
        var body = method == "GET" ? "" : "{\"message\":\"x\"}\n";
        var hash = SigV4Signer.PayloadHash(System.Text.Encoding.UTF8.GetBytes(body));
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Content-Type"] = "application/json",
            [SigV4Signer.ContentSha256Header] = hash,
        };
        var signedAt = new DateTime(2026, 3, 14, 15, 9, 26, DateTimeKind.Utc);

        var ours = SigV4Signer.Sign(headers, method, new Uri(url), hash, new ImmutableCredentials("AKIDEXAMPLE", "secret", null), "eu-west-1", service, signedAt);

        Assert.Equal(Botocore(method, url, service, body, hash), ours["Authorization"]);
    }

    private const string Script = """
        import sys, datetime
        from unittest import mock
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
        method, url, service, body, digest = sys.argv[1:6]
        request = AWSRequest(method=method, url=url, data=body.encode("utf-8"), headers={
            "Content-Type": "application/json", "X-Amz-Content-SHA256": digest})
        fixed = datetime.datetime(2026, 3, 14, 15, 9, 26, tzinfo=datetime.timezone.utc)
        with mock.patch("botocore.auth.get_current_datetime", return_value=fixed):
            SigV4Auth(Credentials("AKIDEXAMPLE", "secret"), service, "eu-west-1").add_auth(request)
        print(request.headers["Authorization"])
        """;

    private static string Botocore(string method, string url, string service, string body, string hash)
    {
        var (exit, output) = Python.Run(["-c", Script, method, url, service, body, hash]);
        Assert.True(exit == 0, "botocore signing failed: " + output);
        return output.Trim();
    }
}
