using System;
using NUnit.Framework;

namespace ExpirableStore.Cluster.Tests.Protocol;

/// <summary>Cluster options are validated once, where the runtime takes them, with an error that names the option.</summary>
[TestFixture]
internal sealed class OptionsValidationTests
{
    [TestCase("LeaseDuration", 2 * 24 * 3600_000.0, "a reader takes a lease of at most a day: every process would call the entry malformed")]
    [TestCase("LeaseDuration", 50.0, "a renewal every third of the lease must be able to cross the network")]
    [TestCase("NatsCallTimeout", 60 * 24 * 3600_000.0, "a deadline longer than a timer can wait")]
    public void Durations_out_of_range_are_rejected_at_the_boundary(string option, double milliseconds, string why)
    {
        var options = new ExpirableRuntimeOptions { NatsUrl = "nats://127.0.0.1:1" };
        typeof(ExpirableRuntimeOptions).GetProperty(option)!.SetValue(options, TimeSpan.FromMilliseconds(milliseconds));
        var error = Assert.Throws<ArgumentException>(() => ExpirableRuntime.Start(options).Dispose(), why);
        Assert.That(error!.Message, Does.Contain(option));
    }

    [TestCase("my bucket")]
    [TestCase("tokens.prod")]
    [TestCase("tökens")]
    public void A_bucket_name_NATS_does_not_accept_is_rejected_at_once(string bucket)
    {
        var options = new ExpirableRuntimeOptions { NatsUrl = "nats://127.0.0.1:1", Bucket = bucket };
        var error = Assert.Throws<ArgumentException>(() => ExpirableRuntime.Start(options).Dispose());
        Assert.That(error!.Message, Does.Contain(bucket));
    }

    [Test]
    public void Replicas_beyond_what_JetStream_allows_are_rejected_at_once()
    {
        var options = new ExpirableRuntimeOptions { NatsUrl = "nats://127.0.0.1:1", Replicas = 7 };
        var error = Assert.Throws<ArgumentException>(() => ExpirableRuntime.Start(options).Dispose());
        Assert.That(error!.Message, Does.Contain("Replicas"));
    }
}
