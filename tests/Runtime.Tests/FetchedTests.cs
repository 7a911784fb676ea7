using System;
using NUnit.Framework;

namespace ExpirableStore.Runtime.Tests;

public sealed class FetchedTests
{
    private static readonly DateTimeOffset At = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Test]
    public void Ok_carries_value_and_expiry()
    {
        var fetched = Fetched.Ok("token", At);

        Assert.Multiple(() =>
        {
            Assert.That(fetched.IsOk, Is.True);
            Assert.That(fetched.Value, Is.EqualTo("token"));
            Assert.That(fetched.ExpiresAt, Is.EqualTo(At));
            Assert.That(fetched.IsForever, Is.False);
            Assert.That(fetched.Error, Is.Null);
            Assert.That(fetched.Exception, Is.Null);
        });
    }

    [Test]
    public void Forever_has_no_expiry()
    {
        var fetched = Fetched.Forever(42);

        Assert.Multiple(() =>
        {
            Assert.That(fetched.IsOk, Is.True);
            Assert.That(fetched.Value, Is.EqualTo(42));
            Assert.That(fetched.ExpiresAt, Is.Null);
            Assert.That(fetched.IsForever, Is.True);
        });
    }

    [Test]
    public void Failed_carries_reason_and_exception_and_has_no_value()
    {
        var cause = new InvalidOperationException("boom");
        var fetched = Fetched.Failed<string>("upstream said 503", cause);

        Assert.Multiple(() =>
        {
            Assert.That(fetched.IsOk, Is.False);
            Assert.That(fetched.Error, Is.EqualTo("upstream said 503"));
            Assert.That(fetched.Exception, Is.SameAs(cause));
            Assert.That(fetched.ExpiresAt, Is.Null);
            Assert.That(fetched.IsForever, Is.False);
            Assert.That(fetched.TryGetValue(out _), Is.False);
            Assert.That(() => fetched.Value, Throws.InvalidOperationException.With.Message.Contains("upstream said 503"));
        });
    }

    [Test]
    public void Default_is_a_failure_not_a_forever_value()
    {
        Fetched<string> fetched = default;

        Assert.Multiple(() =>
        {
            Assert.That(fetched.IsOk, Is.False);
            Assert.That(fetched.IsForever, Is.False);
            Assert.That(() => fetched.Value, Throws.InvalidOperationException);
        });
    }

    [Test]
    public void Equality_compares_outcomes_not_references()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Fetched.Ok("a", At), Is.EqualTo(Fetched.Ok("a", At)));
            Assert.That(Fetched.Ok("a", At), Is.Not.EqualTo(Fetched.Ok("a", At.AddSeconds(1))));
            Assert.That(Fetched.Forever("a"), Is.EqualTo(Fetched.Forever("a")));
            Assert.That(Fetched.Forever("a"), Is.Not.EqualTo(Fetched.Ok("a", At)));
            Assert.That(Fetched.Failed<string>("x"), Is.EqualTo(Fetched.Failed<string>("x")));
            Assert.That(Fetched.Failed<string>("x"), Is.Not.EqualTo(Fetched.Failed<string>("y")));
            Assert.That(Fetched.Ok("a", At).GetHashCode(), Is.EqualTo(Fetched.Ok("a", At).GetHashCode()));
        });
    }

    [Test]
    public void ToString_never_shows_the_value()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Fetched.Ok("s3cr3t", At).ToString(), Does.Not.Contain("s3cr3t"));
            Assert.That(Fetched.Forever("s3cr3t").ToString(), Does.Not.Contain("s3cr3t"));
        });
    }
}
