using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using Automation.PodRestarter.Eks;
using Automation.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Automation.Functions.Tests.Kubernetes;

/// <summary>
/// The EKS token is checked against botocore (what `aws eks get-token` runs): the vectors in
/// tests/fixtures/kubernetes were written by botocore for fixed credentials and instants, and where python3 with
/// botocore is installed the script is run again to prove the committed file is still what botocore writes.
/// </summary>
public sealed class EksTokenTests
{
    public static TheoryData<int> Vectors() => [0, 1];

    [Theory]
    [MemberData(nameof(Vectors))]
    public void The_token_is_byte_for_byte_the_one_botocore_makes(int index)
    {
        var vector = Vector(index);
        var credentials = new ImmutableCredentials(
            vector.GetProperty("access_key").GetString(), vector.GetProperty("secret_key").GetString(), vector.GetProperty("session_token").GetString());
        var signedAt = DateTime.SpecifyKind(DateTime.Parse(vector.GetProperty("signed_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture).ToUniversalTime(), DateTimeKind.Utc);

        var url = EksTokenProvider.PresignedUrl(vector.GetProperty("cluster").GetString()!, vector.GetProperty("region").GetString()!, credentials, signedAt);
        var token = EksTokenProvider.CreateToken(vector.GetProperty("cluster").GetString()!, vector.GetProperty("region").GetString()!, credentials, signedAt);

        Assert.Equal(vector.GetProperty("url").GetString(), url);
        Assert.Equal(vector.GetProperty("token").GetString(), token);
    }

    [Fact]
    public void The_token_is_base64url_without_padding_of_a_url_that_expires_in_60_seconds_and_signs_the_cluster_header()
    {
        var token = EksTokenProvider.CreateToken("prod", "eu-west-1", new ImmutableCredentials("AKID", "secret", null), new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc));

        Assert.StartsWith("k8s-aws-v1.", token, StringComparison.Ordinal);
        var encoded = token["k8s-aws-v1.".Length..];
        Assert.DoesNotContain('=', encoded);
        Assert.DoesNotContain('+', encoded);
        Assert.DoesNotContain('/', encoded);
        var padded = encoded.Replace('-', '+').Replace('_', '/') + new string('=', (4 - encoded.Length % 4) % 4);
        var url = new Uri(Encoding.UTF8.GetString(Convert.FromBase64String(padded)));
        var query = url.Query.TrimStart('?').Split('&').Select(p => p.Split('=')).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));
        Assert.Equal("sts.eu-west-1.amazonaws.com", url.Host);
        Assert.Equal("GetCallerIdentity", query["Action"]);
        Assert.Equal("60", query["X-Amz-Expires"]);
        Assert.Equal("host;x-k8s-aws-id", query["X-Amz-SignedHeaders"]);
        Assert.Equal("20260102T030405Z", query["X-Amz-Date"]);
    }

    [Fact]
    public async Task A_token_is_reused_until_it_is_due_for_renewal_before_14_minutes()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 14, 15, 0, 0, TimeSpan.Zero));
        var provider = new EksTokenProvider("prod", "eu-west-1", _ => Task.FromResult(new ImmutableCredentials("AKID", "secret", null)), time);

        var first = await provider.GetTokenAsync(CancellationToken.None);
        time.Advance(EksTokenProvider.RenewAfter - TimeSpan.FromSeconds(1));
        var reused = await provider.GetTokenAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(1));
        var renewed = await provider.GetTokenAsync(CancellationToken.None);
        var header = await provider.GetAuthenticationHeaderAsync(CancellationToken.None);

        Assert.Equal(first, reused);
        Assert.NotEqual(first, renewed);
        Assert.Equal(2, provider.TokensMade);
        Assert.True(EksTokenProvider.RenewAfter < TimeSpan.FromMinutes(14));
        Assert.Equal("Bearer", header.Scheme);
        Assert.Equal(renewed, header.Parameter);
    }

    [Fact]
    public void The_committed_vectors_are_what_botocore_writes_today()
    {
        var script = Fixtures.PathOf("kubernetes", "eks-token-vectors.py");
        if (!Python.HasModule("botocore.auth"))
        {
            return; // A fresh clone without botocore still checks the committed vectors above.
        }
        var (exit, output) = Python.Run([script, "--check"]);
        Assert.True(exit == 0, "botocore now writes different vectors: " + output);
    }

    private static JsonElement Vector(int index)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Fixtures.PathOf("kubernetes", "eks-token-vectors.json")));
        return document.RootElement.GetProperty("vectors")[index].Clone();
    }
}
