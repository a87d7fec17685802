using System.Text;
using Amazon.Runtime;
using Automation.Core.Aws.Secrets;
using Automation.Testing;

namespace Automation.Core.Tests.Aws.Secrets;

/// <summary>
/// moto accepts any signature, so the signature itself is checked against botocore's SigV4Auth (the reference
/// implementation AWS's own CLI uses) for the same request at the same instant.
/// </summary>
public sealed class SignatureTests
{
    private static readonly DateTime SignedAt = new(2026, 3, 14, 15, 9, 26, DateTimeKind.Utc);

    [Theory]
    [InlineData("https://secretsmanager.eu-west-1.amazonaws.com/", "eu-west-1", null)]
    [InlineData("https://secretsmanager.us-east-1.amazonaws.com/", "us-east-1", "session-token/with+odd=chars")]
    [InlineData("http://127.0.0.1:4566/", "us-east-1", null)]
    public void AuthorizationHeaderEqualsBotocores(string endpoint, string region, string? token)
    {
        if (!Python.HasModule("botocore.auth"))
        {
            return; // Without botocore there is nothing to compare with.
        }
        var body = Encoding.UTF8.GetBytes("{\"SecretId\":\"prod/github token\"}");
        var credentials = new ImmutableCredentials("testing", "testing", token);

        var ours = SecretsManagerClient.SignedHeaders(new Uri(endpoint), body, credentials, region, SignedAt);
        var theirs = BotocoreAuthorization(endpoint, region, token, Encoding.UTF8.GetString(body));

        Assert.Equal("20260314T150926Z", ours["X-Amz-Date"]);
        Assert.Equal(theirs, ours["Authorization"]);
        Assert.StartsWith($"AWS4-HMAC-SHA256 Credential=testing/20260314/{region}/secretsmanager/aws4_request", ours["Authorization"], StringComparison.Ordinal);
    }

    private const string Script = """
        import sys, datetime
        from unittest import mock
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
        url, region, token, body = sys.argv[1], sys.argv[2], sys.argv[3] or None, sys.argv[4]
        request = AWSRequest(method="POST", url=url, data=body.encode("utf-8"), headers={
            "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "secretsmanager.GetSecretValue"})
        fixed = datetime.datetime(2026, 3, 14, 15, 9, 26, tzinfo=datetime.timezone.utc)
        with mock.patch("botocore.auth.get_current_datetime", return_value=fixed):
            SigV4Auth(Credentials("testing", "testing", token), "secretsmanager", region).add_auth(request)
        print(request.headers["Authorization"])
        """;

    private static string BotocoreAuthorization(string endpoint, string region, string? token, string body)
    {
        var (exit, output) = Python.Run(["-c", Script, endpoint, region, token ?? "", body]);
        Assert.True(exit == 0, "botocore signing failed: " + output);
        return output.Trim();
    }
}
