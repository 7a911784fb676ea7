using System;
using System.IO;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using ExpirableStore.Cluster.Tests.Infrastructure;
using ExpirableStore.Internal.Cluster;
using ExpirableStore.Tests.Support;
using NUnit.Framework;

namespace ExpirableStore.Cluster.Tests.Protocol;

/// <summary>A server that requires TLS, with a self-signed certificate made by the test.</summary>
[TestFixture]
internal sealed class TlsTests : ClusterTestBase
{
    [Test]
    public async Task Connects_over_TLS_trusting_the_given_CA_and_refuses_an_untrusted_server()
    {
        var dir = Track(new TempDirectory("tls")).Path;
        var (certFile, keyFile) = WriteSelfSignedCertificate(dir);
        var server = Track(await NatsServerProcess.StartAsync(extraConfig: $"tls {{ cert_file: \"{certFile}\", key_file: \"{keyFile}\" }}"));

        var store = await ConnectAsync(Options(url: server.Url, configure: o => (o.UseTls, o.TlsCaFile) = (true, certFile)));
        var result = await store.FetchAsync("k", TimeSpan.Zero, Fetcher(() => ClusterFetchOutcome.Success(Bytes("v"), null)));
        Assert.That(result.Stored, Is.True);

        // Without trusting the server's certificate the connection is refused.
        var (otherCa, _) = WriteSelfSignedCertificate(Track(new TempDirectory("tls-other")).Path);
        await Assert.CatchAsync<Exception>(async () =>
            await ClusterStore.ConnectAsync(Options(url: server.Url, configure: o => (o.UseTls, o.TlsCaFile) = (true, otherCa)) with { ConnectTimeout = TimeSpan.FromSeconds(5) }));
    }

    private static (string CertFile, string KeyFile) WriteSelfSignedCertificate(string dir)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=expirables-test", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var certFile = Path.Combine(dir, "server-cert.pem");
        var keyFile = Path.Combine(dir, "server-key.pem");
        File.WriteAllText(certFile, certificate.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        return (certFile, keyFile);
    }
}
