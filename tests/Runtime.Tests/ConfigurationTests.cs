using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace ExpirableStore.Runtime.Tests;

/// <summary>AddExpirableStore(IConfiguration): the options from a configuration section, as appsettings.json gives them.</summary>
public sealed class ConfigurationTests
{
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] OldKey = Enumerable.Range(100, 16).Select(i => (byte)i).ToArray();

    [Test]
    public async Task The_options_of_a_section_reach_the_runtime_and_code_wins_over_them()
    {
        var section = Section(new()
        {
            ["ExpirableStore:Bucket"] = "billing-tokens",
            ["ExpirableStore:KeyPrefix"] = "billing",
            ["ExpirableStore:Replicas"] = "3",
            ["ExpirableStore:LeaseDuration"] = "00:00:20",
            ["ExpirableStore:WhenClusterUnreachable"] = "Fail",
            ["ExpirableStore:KeyIdleTimeout"] = "00:05:00",
            ["ExpirableStore:DefaultFetchTimeout"] = "00:00:07",
            ["ExpirableStore:UseTls"] = "true",
            ["ExpirableStore:EncryptionKey"] = Convert.ToBase64String(Key),
            ["ExpirableStore:PreviousEncryptionKeys:0"] = Convert.ToBase64String(OldKey),
            ["ExpirableStore:NatsCallTimeout"] = "00:00:09",
        });

        await using var provider = new ServiceCollection()
            .AddExpirableStore(section, o => o.NatsCallTimeout = TimeSpan.FromSeconds(3))
            .Services.BuildServiceProvider();
        var options = provider.GetRequiredService<ExpirableRuntime>().Options;

        Assert.That(options.Bucket, Is.EqualTo("billing-tokens"));
        Assert.That(options.KeyPrefix, Is.EqualTo("billing"));
        Assert.That(options.Replicas, Is.EqualTo(3));
        Assert.That(options.LeaseDuration, Is.EqualTo(TimeSpan.FromSeconds(20)));
        Assert.That(options.WhenClusterUnreachable, Is.EqualTo(ClusterUnreachableFetchMode.Fail));
        Assert.That(options.KeyIdleTimeout, Is.EqualTo(TimeSpan.FromMinutes(5)));
        Assert.That(options.DefaultFetchTimeout, Is.EqualTo(TimeSpan.FromSeconds(7)));
        Assert.That(options.UseTls, Is.True);
        Assert.That(options.EncryptionKey, Is.EqualTo(Key));
        Assert.That(options.PreviousEncryptionKeys!.Single(), Is.EqualTo(OldKey));
        Assert.That(options.NatsCallTimeout, Is.EqualTo(TimeSpan.FromSeconds(3)), "the configure action runs last");
        Assert.That(options.EagerRetryMaxBackoff, Is.EqualTo(new ExpirableRuntimeOptions().EagerRetryMaxBackoff), "an absent key keeps the default");
        Assert.That(options.NatsUrl, Is.Null);
    }

    [TestCase("LeaseDurration", "00:00:20", "LeaseDurration")]
    [TestCase("LeaseDuration", "15s", "LeaseDuration")]
    [TestCase("Replicas", "three", "Replicas")]
    [TestCase("WhenClusterUnreachable", "Sometimes", "WhenClusterUnreachable")]
    [TestCase("EncryptionKey", "not base64 at all!", "ExpirableStore:EncryptionKey")]
    public void A_wrong_key_or_value_is_an_argument_error_naming_the_key_when_the_runtime_is_created(string key, string value, string named)
    {
        var section = Section(new() { ["ExpirableStore:" + key] = value });
        using var provider = new ServiceCollection().AddExpirableStore(section).Services.BuildServiceProvider();

        var error = Assert.Throws<ArgumentException>(() => provider.GetRequiredService<ExpirableRuntime>())!;
        Assert.That(error.Message, Does.Contain(named));
        if (key == "EncryptionKey")
        {
            Assert.That(error.Message, Does.Not.Contain(value), "never the value: it is a secret");
        }
    }

    [Test]
    public void A_value_out_of_range_fails_as_it_does_in_code()
    {
        var section = Section(new() { ["ExpirableStore:LeaseDuration"] = "00:00:00.1" });
        using var provider = new ServiceCollection().AddExpirableStore(section).Services.BuildServiceProvider();
        Assert.That(Assert.Throws<ArgumentException>(() => provider.GetRequiredService<ExpirableRuntime>())!.Message, Does.Contain("LeaseDuration"));
    }

    [Test]
    public void Every_option_that_takes_text_can_be_configured()
    {
        // A new option of a text-like type must be added to Internal/ConfiguredOptions too.
        static bool TakesText(Type type)
        {
            var t = Nullable.GetUnderlyingType(type) ?? type;
            return t == typeof(string) || t == typeof(bool) || t == typeof(int) || t == typeof(TimeSpan) || t.IsEnum
                || t == typeof(byte[]) || t == typeof(IReadOnlyList<byte[]>);
        }

        var options = typeof(ExpirableRuntimeOptions).GetProperties().Where(p => p.CanWrite && TakesText(p.PropertyType)).Select(p => p.Name);
        var configurable = typeof(ExpirableRuntime).Assembly.GetType("ExpirableStore.Internal.ConfiguredOptions")!.GetProperties().Select(p => p.Name);
        Assert.That(configurable, Is.EquivalentTo(options));
    }

    private static IConfigurationSection Section(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection("ExpirableStore");
}
