using System;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using ExpirableStore.Cluster.Tests.Infrastructure;
using NUnit.Framework;

namespace ExpirableStore.Cluster.Tests.Nodes;

/// <summary>Values encrypted at rest: what an attacker with access to the bucket can and cannot do, and processes whose keys differ.</summary>
[TestFixture]
internal sealed class EncryptionTests : MultiNodeTestBase
{
    [Test]
    public async Task Editing_the_expiry_of_an_encrypted_entry_does_not_make_a_node_serve_an_expired_secret()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var a = await StartNodeAsync("a", Encrypted(key));
        Assert.That(await a.Expirables.Token.GetAsync(), Is.EqualTo("token-1"));
        await using var probe = await NatsProbe.ConnectAsync(Server.Url, Bucket);
        var stored = await probe.ReadAsync(ClusterNode.Key("token"));
        var expiry = (Time.GetUtcNow() + Upstream.Ttl).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        Assert.That(stored.Text, Does.Contain("\"exp\":" + expiry));

        // Someone who can write the bucket but has no key moves the expiry a day on; then the value expires.
        var edited = stored.Text.Replace("\"exp\":" + expiry, "\"exp\":" + (Time.GetUtcNow() + TimeSpan.FromDays(1)).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        await probe.PutAsync(ClusterNode.Key("token"), edited);
        Time.Advance(Upstream.Ttl + TimeSpan.FromSeconds(1));

        var b = await StartNodeAsync("b", Encrypted(key));
        Assert.That(await b.Expirables.Token.GetAsync(), Is.EqualTo("token-2"), "the expired secret is never served");
    }

    [Test]
    public async Task The_error_text_of_a_failed_fetch_is_not_stored_in_plain_text()
    {
        var a = await StartNodeAsync("a", Encrypted(RandomNumberGenerator.GetBytes(32)));
        Upstream.Handler = (name, call, ct) => Task.FromResult(Fetched.Failed<string>("refresh token rt-SECRET-42 was rejected"));
        var failed = await a.Expirables.Token.FetchAsync();
        Assert.That(failed.Error, Does.Contain("rt-SECRET-42"), "the caller gets the reason");

        await using var probe = await NatsProbe.ConnectAsync(Server.Url, Bucket);
        var stored = await probe.ReadAsync(ClusterNode.Key("token"));
        Assert.That(stored.Exists, Is.True, "the end of the failed fetch is in the bucket");
        Assert.That(stored.Text, Does.Not.Contain("rt-SECRET-42"));
    }

    [TestCase("two keys")]
    [TestCase("encryption rolled out to one node")]
    public async Task Nodes_that_cannot_read_each_others_values_do_not_evict_them_back_and_forth(string deployment)
    {
        var a = await StartNodeAsync("a", deployment == "two keys" ? Encrypted(RandomNumberGenerator.GetBytes(32)) : NodeOptions());
        var b = await StartNodeAsync("b", Encrypted(RandomNumberGenerator.GetBytes(32)));
        Assert.That(await a.Expirables.Token.GetAsync(), Is.EqualTo("token-1"));
        await using var probe = await NatsProbe.ConnectAsync(Server.Url, Bucket);
        var written = (await probe.ReadAsync(ClusterNode.Key("token"))).Text;

        for (var round = 0; round < 10; round++)
        {
            Assert.That(await b.Expirables.Token.GetAsync(), Is.EqualTo("token-2"), $"round {round}: b fetched its own once and keeps it");
            Assert.That(await a.Expirables.Token.GetAsync(), Is.EqualTo("token-1"), $"round {round}: a keeps the shared value");
        }

        Assert.That(Upstream.Calls("token"), Is.EqualTo(2), "one fetch each in the value's whole lifetime, not one per access");
        Assert.That((await probe.ReadAsync(ClusterNode.Key("token"))).Text, Is.EqualTo(written), "a's entry was never overwritten");
    }

    private ExpirableRuntimeOptions Encrypted(byte[] key)
    {
        var options = NodeOptions();
        options.EncryptionKey = key;
        return options;
    }
}
