using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ExpirableStore.Internal;
using NUnit.Framework;

namespace ExpirableStore.Runtime.Tests.V2;

/// <summary>The table of a keyed expirable's keys in memory: lock-free reads, one writer at a time.</summary>
public sealed class KeyTableTests
{
    [Test]
    public void Every_string_key_is_found_and_only_its_own_value()
    {
        var table = new KeyTable<string, string>();
        var keys = TrickyKeys().ToList();
        foreach (var key in keys)
        {
            table.Add(key, "value of " + key);
        }

        Assert.That(table.Count, Is.EqualTo(keys.Count));
        foreach (var key in keys)
        {
            // Its own instance, as a key from a request would be: no reference-equality shortcut.
            var copy = new string(key.AsSpan());
            Assert.That(table.TryGetValue(copy, out var value), Is.True, $"'{key}' not found");
            Assert.That(value, Is.EqualTo("value of " + key));
        }

        Assert.That(table.TryGetValue("not a key", out _), Is.False);
        Assert.That(table.TryGetValue("tenant-00042", out _), Is.False, "a prefix of a key");
        Assert.That(table.TryGetValue("tenant-0000421", out _), Is.False, "a key with one more character");
    }

    [Test]
    public void A_key_that_differs_from_another_in_any_single_code_unit_is_another_key()
    {
        // Every length up to 70 code units (the hash reads 2, 4, 8 and 16 bytes at a time, and overlaps its
        // last read), each position changed once.
        var table = new KeyTable<string, string>();
        var added = new HashSet<string>(StringComparer.Ordinal);
        for (var length = 0; length <= 70; length++)
        {
            var basis = new string('a', length);
            if (added.Add(basis))
            {
                table.Add(basis, basis);
            }

            for (var position = 0; position < length; position++)
            {
                var changed = basis.ToCharArray();
                changed[position] = 'b';
                var key = new string(changed);
                table.Add(key, key);
                added.Add(key);
            }
        }

        Assert.That(table.Count, Is.EqualTo(added.Count));
        foreach (var key in added)
        {
            Assert.That(table.TryGetValue(new string(key.AsSpan()), out var value), Is.True, key);
            Assert.That(value, Is.SameAs(key));
        }
    }

    [Test]
    public void A_null_key_is_an_argument_error()
    {
        var table = new KeyTable<string, string>();
        Assert.Throws<ArgumentNullException>(() => table.TryGetValue(null!, out _));
        Assert.Throws<ArgumentNullException>(() => table.Add(null!, "x"));
    }

    [Test]
    public void Removing_a_key_keeps_every_other_key_of_its_bucket()
    {
        var table = new KeyTable<int, string>();
        for (var i = 0; i < 1_000; i++)
        {
            table.Add(i, i.ToString(CultureInfo.InvariantCulture));
        }

        for (var i = 0; i < 1_000; i += 3)
        {
            Assert.That(table.Remove(i, "another value"), Is.False, "only the value it maps to is removed");
            Assert.That(table.TryGetValue(i, out var value), Is.True);
            Assert.That(table.Remove(i, value!), Is.True);
        }

        for (var i = 0; i < 1_000; i++)
        {
            Assert.That(table.TryGetValue(i, out _), Is.EqualTo(i % 3 != 0), i.ToString(CultureInfo.InvariantCulture));
        }

        Assert.That(table.Count, Is.EqualTo(666));
        Assert.That(table.ToList().Select(pair => pair.Key).Order(), Is.EqualTo(Enumerable.Range(0, 1_000).Where(i => i % 3 != 0)));
    }

    [Test]
    public void A_hundred_thousand_tenant_keys_spread_over_the_buckets()
    {
        var table = new KeyTable<string, string>();
        for (var i = 0; i < 100_000; i++)
        {
            table.Add("tenant-" + i.ToString("D6", CultureInfo.InvariantCulture), "v");
        }

        // At one key per bucket a uniform hash gives a longest chain of about 8; a chain near the flooding
        // threshold would mean the hash is poor on keys that share a prefix.
        Assert.That(table.LongestChain(), Is.LessThanOrEqualTo(12));
        Assert.That(table.IsRandomized, Is.False);
    }

    [Test]
    public void Guid_keys_spread_over_the_buckets()
    {
        var table = new KeyTable<Guid, string>();
        var first = Guid.NewGuid();
        table.Add(first, "first");
        for (var i = 1; i < 100_000; i++)
        {
            table.Add(Guid.NewGuid(), "v");
        }

        Assert.That(table.LongestChain(), Is.LessThanOrEqualTo(12));
        Assert.That(table.TryGetValue(first, out var value) ? value : null, Is.EqualTo("first"));
    }

    [Test]
    public void Guids_and_longs_crafted_to_share_a_hash_code_still_spread_over_the_buckets()
    {
        // Guid.GetHashCode folds its four ints with XOR and long.GetHashCode its halves, so an attacker who
        // sends tenant ids can make thousands with one hash code: hashed from their bytes, they spread anyway.
        var guids = new KeyTable<Guid, string>();
        var longs = new KeyTable<long, string>();
        var bytes = new byte[16];
        for (var i = 1; i <= 10_000; i++)
        {
            BitConverter.TryWriteBytes(bytes.AsSpan(0, 4), i);
            BitConverter.TryWriteBytes(bytes.AsSpan(4, 4), i);
            var guid = new Guid(bytes);
            Assert.That(guid.GetHashCode(), Is.EqualTo(0));
            guids.Add(guid, "g");

            var value = ((long)i << 32) | (uint)i;
            Assert.That(value.GetHashCode(), Is.EqualTo(0));
            longs.Add(value, "l");
        }

        Assert.That(guids.LongestChain(), Is.LessThanOrEqualTo(12));
        Assert.That(longs.LongestChain(), Is.LessThanOrEqualTo(12));
        BitConverter.TryWriteBytes(bytes.AsSpan(0, 4), 4_242);
        BitConverter.TryWriteBytes(bytes.AsSpan(4, 4), 4_242);
        Assert.That(guids.TryGetValue(new Guid(bytes), out _), Is.True);
        Assert.That(longs.TryGetValue((4_242L << 32) | 4_242, out _), Is.True);
        Assert.That(longs.TryGetValue(4_242, out _), Is.False);
    }

    [Test]
    public void Every_byte_char_bool_and_enum_key_is_its_own()
    {
        var bytes = new KeyTable<byte, string>();
        var chars = new KeyTable<char, string>();
        var bools = new KeyTable<bool, string>();
        var days = new KeyTable<DayOfWeek, string>();
        for (var i = 0; i < 256; i++)
        {
            bytes.Add((byte)i, i.ToString(CultureInfo.InvariantCulture));
        }

        for (var c = 0; c < 63_000; c += 7)
        {
            chars.Add((char)c, c.ToString(CultureInfo.InvariantCulture));
        }

        bools.Add(true, "yes");
        bools.Add(false, "no");
        foreach (var day in Enum.GetValues<DayOfWeek>())
        {
            days.Add(day, day.ToString());
        }

        Assert.That(Enumerable.Range(0, 256).All(i => bytes.TryGetValue((byte)i, out var v) && v == i.ToString(CultureInfo.InvariantCulture)), Is.True);
        Assert.That(Enumerable.Range(0, 9_000).All(i => chars.TryGetValue((char)(i * 7), out var v) && v == (i * 7).ToString(CultureInfo.InvariantCulture)), Is.True);
        Assert.That(chars.TryGetValue((char)1, out _), Is.False);
        Assert.That((bools.TryGetValue(true, out var yes) ? yes : null, bools.TryGetValue(false, out var no) ? no : null), Is.EqualTo(("yes", "no")));
        Assert.That(days.TryGetValue(DayOfWeek.Friday, out var friday) ? friday : null, Is.EqualTo("Friday"));
        Assert.That(KeyTable<decimal, string>.BytewiseKeys || KeyTable<double, string>.BytewiseKeys, Is.False, "equal decimals and doubles can differ in their bytes");
    }

    [Test]
    public void Keys_crafted_to_share_a_bucket_switch_the_table_to_the_randomized_hash()
    {
        // A flood: keys whose hash puts them in one bucket of a 32-bucket table (what an attacker who learnt
        // the hash could send). The table notices the long chain and rehashes every key with Marvin.
        var table = new KeyTable<string, string>();
        var flood = new List<string>();
        for (var i = 0; flood.Count < KeyTable<string, string>.CollisionThreshold; i++)
        {
            var key = "attack-" + i.ToString(CultureInfo.InvariantCulture);
            if (KeyHash.Of(key) >> 59 == 0)
            {
                flood.Add(key);
            }
        }

        foreach (var key in flood)
        {
            table.Add(key, key);
        }

        Assert.That(table.IsRandomized, Is.True);
        Assert.That(table.LongestChain(), Is.LessThan(KeyTable<string, string>.CollisionThreshold / 2));
        foreach (var key in flood)
        {
            Assert.That(table.TryGetValue(new string(key.AsSpan()), out var value) ? value : null, Is.EqualTo(key));
        }

        table.Add("after", "after");
        Assert.That(table.TryGetValue("after", out var after) ? after : null, Is.EqualTo("after"));
        Assert.That(table.Remove(flood[0], flood[0]), Is.True);
        Assert.That(table.TryGetValue(flood[0], out _), Is.False);
    }

    [Test]
    public void Buckets_are_given_back_when_most_keys_have_left()
    {
        var table = new KeyTable<string, string>();
        var values = new List<(string Key, string Value)>();
        for (var i = 0; i < 100_000; i++)
        {
            var key = "tenant-" + i.ToString(CultureInfo.InvariantCulture);
            values.Add((key, key));
            table.Add(key, key);
        }

        var peak = table.BucketCount;
        Assert.That(peak, Is.GreaterThanOrEqualTo(100_000));
        foreach (var (key, value) in values.Skip(10))
        {
            table.Remove(key, value);
        }

        table.Trim();
        Assert.That(table.BucketCount, Is.LessThanOrEqualTo(32));
        foreach (var (key, value) in values.Take(10))
        {
            Assert.That(table.TryGetValue(key, out var found) ? found : null, Is.EqualTo(value));
        }
    }

    [Test]
    public async Task Readers_racing_a_writer_always_find_the_keys_that_stay_and_never_a_wrong_value()
    {
        // A writer adds and removes thousands of keys (resizes, trims, chain copies) while readers look up keys
        // that stay the whole time; each round starts all of them together.
        const int Readers = 3;
        var stay = Enumerable.Range(0, 64).Select(i => "stay-" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        for (var round = 0; round < 50; round++)
        {
            var table = new KeyTable<string, string>();
            foreach (var key in stay)
            {
                table.Add(key, key);
            }

            using var start = new Barrier(Readers + 1);
            var writerDone = 0;
            var misses = 0;
            var wrong = 0;
            var readers = Enumerable.Range(0, Readers).Select(_ => Task.Factory.StartNew(
                () =>
                {
                    start.SignalAndWait();
                    while (Volatile.Read(ref writerDone) == 0)
                    {
                        foreach (var key in stay)
                        {
                            if (!table.TryGetValue(new string(key.AsSpan()), out var value))
                            {
                                Interlocked.Increment(ref misses);
                            }
                            else if (!ReferenceEquals(value, key))
                            {
                                Interlocked.Increment(ref wrong);
                            }
                        }
                    }
                },
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default)).ToArray();

            var writer = Task.Factory.StartNew(
                () =>
                {
                    start.SignalAndWait();
                    var churn = Enumerable.Range(0, 4_000).Select(i => "churn-" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
                    foreach (var key in churn)
                    {
                        table.Add(key, key);
                    }

                    foreach (var key in churn)
                    {
                        table.Remove(key, key);
                    }

                    table.Trim();
                    Volatile.Write(ref writerDone, 1);
                },
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default);

            await Task.WhenAll(readers.Append(writer));
            Assert.That((misses, wrong), Is.EqualTo((0, 0)), $"round {round}");
            Assert.That(table.Count, Is.EqualTo(stay.Length));
        }
    }

    private static IEnumerable<string> TrickyKeys()
    {
        yield return string.Empty;
        yield return " ";
        yield return "a";
        yield return "ab";
        yield return "abc";
        yield return "abcd";
        yield return "a.b";
        yield return "a b";
        yield return "tenant.eu-west.1";
        yield return "Zürich";
        yield return "東京";
        yield return "\uD83D\uDE00";
        yield return "\0";
        yield return "\0\0";
        yield return new string('x', 129);
        yield return new string('x', 130);
        for (var i = 0; i < 1_000; i++)
        {
            yield return "tenant-" + i.ToString("D6", CultureInfo.InvariantCulture);
        }
    }
}
