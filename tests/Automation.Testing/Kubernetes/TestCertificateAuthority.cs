using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Automation.Testing.Kubernetes;

/// <summary>
/// A certificate authority made for one test, and a server certificate it signed for 127.0.0.1: the fake Kubernetes
/// API serves HTTPS with it, and the function is given the CA as the cluster's, so TLS is verified as in production.
/// </summary>
public sealed class TestCertificateAuthority : IDisposable
{
    public TestCertificateAuthority(string name = "automation-test-cluster-ca")
    {
        var now = TimeProvider.System.GetUtcNow();
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN={name}", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        Certificate = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=kube-apiserver", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        serverRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        using var signed = serverRequest.Create(Certificate, now.AddDays(-1), now.AddDays(1), RandomNumberGenerator.GetBytes(16));
        using var withKey = signed.CopyWithPrivateKey(serverKey);
        // Kestrel on Linux wants a certificate whose key it can use from a PFX, not an ephemeral one.
        ServerCertificate = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>The CA (public part only is ever handed out).</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The server certificate for 127.0.0.1 and localhost, with its key.</summary>
    public X509Certificate2 ServerCertificate { get; }

    /// <summary>The CA as PEM.</summary>
    public string Pem => Certificate.ExportCertificatePem();

    /// <summary>The CA as EKS hands it out (DescribeCluster certificateAuthority.data): base64 of the PEM.</summary>
    public string EksData => Convert.ToBase64String(Encoding.ASCII.GetBytes(Pem));

    public void Dispose()
    {
        Certificate.Dispose();
        ServerCertificate.Dispose();
    }
}
