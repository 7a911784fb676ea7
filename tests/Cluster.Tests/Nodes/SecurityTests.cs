using System;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ExpirableStore.Internal.Cluster;
using NUnit.Framework;

namespace ExpirableStore.Cluster.Tests.Nodes;

/// <summary>Values at rest, and what reaches the logs.</summary>
[TestFixture]
internal sealed class SecurityTests : MultiNodeTestBase
{
    [Test]
    public async Task Encrypted_values_are_shared_by_nodes_with_the_key_and_unreadable_in_the_bucket()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var options = NodeOptions();
        options.EncryptionKey = key;
        var a = await StartNodeAsync("a", options);
        var b = await StartNodeAsync("b", options);

        Assert.That(await a.Expirables.Token.GetAsync(), Is.EqualTo("token-1"));
        await WaitForValueAsync(b, "token", "\"token-1\"");
        Assert.That(await b.Expirables.Token.GetAsync(), Is.EqualTo("token-1"));
        Assert.That(Upstream.Calls("token"), Is.EqualTo(1));

        var raw = await (await RawBucketAsync()).ReadAsync(ClusterNode.Key("token"));
        var stored = raw.Text;
        Assert.That(stored, Does.Not.Contain("token-1"));
        Assert.That(stored, Does.Not.Contain(Convert.ToBase64String(Encoding.UTF8.GetBytes("\"token-1\""))));
        Assert.That(stored, Does.Contain("\"enc\":"));

        // A node with another key cannot read it: it fetches for itself, logs why, and leaves the value in the bucket.
        var wrong = NodeOptions();
        wrong.EncryptionKey = RandomNumberGenerator.GetBytes(32);
        var c = await StartNodeAsync("c", wrong);
        Assert.That(await c.Expirables.Token.GetAsync(), Is.EqualTo("token-2"));
        Assert.That(Logs.Matching("not among this process's keys").Any(), Is.True);
        Assert.That((await (await RawBucketAsync()).ReadAsync(ClusterNode.Key("token"))).Text, Is.EqualTo(stored), "not evicted");
        Assert.That(await b.Expirables.Token.GetAsync(), Is.EqualTo("token-1"));
    }

    [TestCase("garbage")]
    [TestCase("wrong-schema")]
    [TestCase("oversized")]
    public async Task Bad_data_written_by_another_client_is_absent_logged_and_refetched_and_no_value_is_logged(string kind)
    {
        var a = await StartNodeAsync("a");
        Assert.That(await a.Expirables.Token.GetAsync(), Is.EqualTo("token-1"));
        var raw = await RawBucketAsync();
        byte[] bad = kind switch
        {
            "garbage" => [0xde, 0xad, 0xbe, 0xef, 0x00],
            "wrong-schema" => Bytes("{\"value\":\"token-1\",\"expires\":\"tomorrow\"}"),
            _ => Bytes("{\"v\":1,\"data\":\"" + Convert.ToBase64String(new byte[400 * 1024]) + "\",\"exp\":null}"),
        };
        await raw.PutAsync(ClusterNode.Key("token"), bad);
        await WaitForReplicaAsync(a.Cluster, ClusterNode.Key("token"), s => s.Kind == ReplicaKind.Malformed);

        Assert.That(await a.Expirables.Token.GetAsync(), Is.EqualTo("token-2"), "treated as absent: the next access fetches");
        var malformed = Logs.Matching("malformed entry").ToArray();
        Assert.That(malformed, Is.Not.Empty);
        Assert.That(Logs.Lines.Any(line => line.Contains("token-1", StringComparison.Ordinal) || line.Contains("token-2", StringComparison.Ordinal)), Is.False, "no value is ever logged");
    }
}
