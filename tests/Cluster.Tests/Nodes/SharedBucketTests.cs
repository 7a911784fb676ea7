using System;
using System.Linq;
using System.Threading.Tasks;
using ExpirableStore.Cluster.Tests.Infrastructure;
using NUnit.Framework;

namespace ExpirableStore.Cluster.Tests.Nodes;

/// <summary>A bucket shared by several applications.</summary>
[TestFixture]
internal sealed class SharedBucketTests : MultiNodeTestBase
{
    [Test]
    public async Task Another_applications_keys_in_the_same_bucket_are_not_replicated_parsed_or_warned_about()
    {
        await using (var probe = await NatsProbe.ConnectAsync(Server.Url, Bucket))
        {
            var seed = await StartNodeAsync("seed"); // creates the bucket
            await seed.DisposeAsync();
            for (var i = 0; i < 300; i++)
            {
                await probe.PutAsync($"OtherApp.Billing.Tokens.k{i}", "written by another application, in its own format");
            }
        }

        var a = await StartNodeAsync("a");
        Assert.That(a.Cluster.Replicas.Keys.Where(k => k.StartsWith("OtherApp.", StringComparison.Ordinal)), Is.Empty, "not replicated");
        Assert.That(Logs.Matching("OtherApp.").ToArray(), Is.Empty, "not parsed, not warned about");
        Assert.That(await a.Expirables.Token.GetAsync(), Is.EqualTo("token-1"));
    }
}
