using System.Net.Http.Headers;
using Amazon.Runtime;
using Automation.LogForwarder.Auth;
using Automation.LogForwarder.Bulk;
using Automation.Testing;

namespace Automation.Functions.Tests.Forwarding;

/// <summary>
/// The fake OpenSearch verifies signatures with its own implementation; here the forwarder's SigV4 for es and aoss is
/// checked against botocore's SigV4Auth (what the AWS CLI and opensearch-py's AWSV4SignerAuth use) for the same
/// gzip-compressed _bulk request at the same instant.
/// </summary>
public sealed class SignatureTests
{
    private static readonly DateTime SignedAt = new(2026, 3, 14, 15, 9, 26, DateTimeKind.Utc);

    [Theory]
    [InlineData("https://search-logs-abc123.eu-west-1.es.amazonaws.com/_bulk", "eu-west-1", "es", null)]
    [InlineData("https://1a2b3c4d5e.us-east-1.aoss.amazonaws.com/_bulk", "us-east-1", "aoss", "session-token/with+odd=chars")]
    [InlineData("http://127.0.0.1:9200/_bulk", "eu-central-1", "es", null)]
    public void Bulk_request_signatures_equal_botocores(string url, string region, string service, string? token)
    {
        if (!Botocore.Available())
        {
            return; // Without botocore there is nothing to compare with.
        }
        using var compressed = OpenSearchClient.Compress("{\"index\":{\"_index\":\"logs-2026.03.14\",\"_id\":\"k8s-logs-0-1\"}}\n{\"message\":\"hé\"}\n"u8);
        var body = compressed.WrittenSpan.ToArray();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        request.Content.Headers.ContentEncoding.Add("gzip");

        var ours = SigV4Auth.SignedHeaders(request, body, new ImmutableCredentials("AKIDEXAMPLE", "secret/key+x", token), region, service, SignedAt);
        var theirs = Botocore.Authorization(url, region, service, token, body);

        Assert.Equal(theirs, ours["Authorization"]);
        Assert.Contains("x-amz-content-sha256", ours["Authorization"], StringComparison.Ordinal);
        Assert.Contains($"/{region}/{service}/aws4_request", ours["Authorization"], StringComparison.Ordinal);
    }

    private static class Botocore
    {
        private const string Script = """
            import sys, datetime, hashlib
            from unittest import mock
            from botocore.auth import SigV4Auth
            from botocore.awsrequest import AWSRequest
            from botocore.credentials import Credentials
            url, region, service, token, path = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] or None, sys.argv[5]
            body = open(path, "rb").read()
            request = AWSRequest(method="POST", url=url, data=body, headers={
                "Content-Type": "application/x-ndjson", "Content-Encoding": "gzip",
                "X-Amz-Content-SHA256": hashlib.sha256(body).hexdigest()})
            fixed = datetime.datetime(2026, 3, 14, 15, 9, 26, tzinfo=datetime.timezone.utc)
            with mock.patch("botocore.auth.get_current_datetime", return_value=fixed):
                SigV4Auth(Credentials("AKIDEXAMPLE", "secret/key+x", token), service, region).add_auth(request)
            print(request.headers["Authorization"])
            """;

        public static string Authorization(string url, string region, string service, string? token, byte[] body)
        {
            var path = Path.GetTempFileName();
            try
            {
                File.WriteAllBytes(path, body);
                var (exit, output) = Python.Run(["-c", Script, url, region, service, token ?? "", path]);
                Assert.True(exit == 0, "botocore signing failed: " + output);
                return output.Trim();
            }
            finally
            {
                File.Delete(path);
            }
        }

        public static bool Available() => Python.HasModule("botocore.auth");
    }
}
