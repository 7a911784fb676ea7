using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;

namespace ExpirableStore.Internal;

/// <summary>
/// The keys of a keyed expirable in memory: a hash table read without a lock by the hit path, and written by
/// one writer at a time (the caller serialises writes; <see cref="KeyedFamily{TKey, T}"/> holds its keys lock).
/// </summary>
/// <remarks>
/// <para>
/// Why not <c>ConcurrentDictionary</c>: its read calls the comparer twice through an interface (hash, then
/// equality), and a keyed hit is that read plus the checks of a non-keyed hit; the read was half of it
/// (docs/benchmarks.md "Keyed expirables"). Here a string key is hashed inline, 16 bytes per 128-bit multiply,
/// and compared with <see cref="string.Equals(string, string, StringComparison)"/>; Guid, integer, enum, bool
/// and char keys are hashed the same way from their bytes (<see cref="BytewiseKeys"/>); other key types use
/// <see cref="EqualityComparer{T}.Default"/>.
/// </para>
/// <para>
/// Readers never see a half-made table: the bucket array says which hash is in force (a power-of-two length:
/// the seeded hash; one slot more: the randomized one), so one read gives both; and nodes are immutable (an
/// insert adds a new head, a removal copies the nodes in front of the removed one, a resize builds new
/// nodes). A reader that started before a write may see the table as it was, which is what any lock-free
/// read of a concurrent map sees.
/// </para>
/// <para>
/// Hash flooding: the hash is seeded per process, so which keys collide differs between processes and cannot
/// be worked out from outside. For strings there is a second line, as in .NET's own dictionaries: a bucket
/// chain of <see cref="CollisionThreshold"/> keys at an insert (which a good hash makes about as likely as 1 in
/// 10^30 at this table's load) switches the table to the randomized <see cref="string.GetHashCode()"/> (Marvin)
/// for the rest of its life.
/// </para>
/// </remarks>
internal sealed class KeyTable<TKey, TValue>
    where TKey : notnull
    where TValue : class
{
    /// <summary>A chain at least this long at an insert switches string keys to the randomized hash.</summary>
    internal const int CollisionThreshold = 32;

    /// <summary>
    /// Key types whose equality is the equality of their bytes (Guid, the integer types, enums, bool, char): hashed
    /// from their bytes with the process's seed, because their own hash codes fold the bytes together and
    /// colliding keys are easy to make (two Guids, or two longs, with the same hash code). Not float, double or
    /// decimal, whose equal values can differ in their bytes.
    /// </summary>
    internal static readonly bool BytewiseKeys =
        typeof(TKey).IsEnum
        || typeof(TKey) == typeof(Guid)
        || typeof(TKey) == typeof(Int128)
        || typeof(TKey) == typeof(UInt128)
        || (typeof(TKey).IsPrimitive && typeof(TKey) != typeof(float) && typeof(TKey) != typeof(double));

    private const int MinimumBuckets = 16;

    // One field read tells the hit path whether keys are ordinal strings; for value-type keys the JIT folds
    // the typeof test and drops the string branch altogether.
    private readonly bool _stringKeys = typeof(TKey) == typeof(string);
    private volatile Node?[] _buckets = NewBuckets(MinimumBuckets, randomized: false);
    private int _count;

    /// <summary>The number of keys (exact for the writer; a reader may see it a write behind).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Whether string keys use the randomized hash (a bucket got too long). Tests.</summary>
    internal bool IsRandomized => IsRandomizedArray(_buckets);

    /// <summary>The number of buckets. Tests.</summary>
    internal int BucketCount => BucketCountOf(_buckets);

    /// <summary>The lock-free read.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGetValue(TKey key, [MaybeNullWhen(false)] out TValue value)
    {
        var buckets = _buckets;
        Node? node;
        if (!typeof(TKey).IsValueType && _stringKeys && !IsRandomizedArray(buckets))
        {
            var text = Unsafe.As<TKey, string>(ref key);
            if (text is null)
            {
                ThrowKeyNull();
            }

            var hash = KeyHash.Of(text);
            node = buckets[IndexOf(buckets, hash)];
            while (node is not null)
            {
                if (node.Hash == hash && string.Equals(Unsafe.As<TKey, string>(ref Unsafe.AsRef(in node.Key)), text, StringComparison.Ordinal))
                {
                    value = node.Value;
                    return true;
                }

                node = node.Next;
            }
        }
        else
        {
            if (key is null)
            {
                ThrowKeyNull();
            }

            var hash = HashOf(key, IsRandomizedArray(buckets));
            node = buckets[IndexOf(buckets, hash)];
            while (node is not null)
            {
                if (node.Hash == hash && EqualityComparer<TKey>.Default.Equals(node.Key, key))
                {
                    value = node.Value;
                    return true;
                }

                node = node.Next;
            }
        }

        value = null;
        return false;
    }

    /// <summary>Adds <paramref name="key"/>, which is not in the table. Writers only.</summary>
    public void Add(TKey key, TValue value)
    {
        if (key is null)
        {
            ThrowKeyNull();
        }

        var buckets = _buckets;
        if (_count >= BucketCountOf(buckets))
        {
            buckets = Rebuild(BucketCountOf(buckets) * 2, IsRandomizedArray(buckets));
        }

        var randomized = IsRandomizedArray(buckets);
        var hash = HashOf(key, randomized);
        var index = IndexOf(buckets, hash);
        var head = buckets[index];
        Volatile.Write(ref buckets[index], new Node(key, hash, value, head));
        _count++;

        if (_stringKeys && !randomized && ChainLength(head) + 1 >= CollisionThreshold)
        {
            Rebuild(BucketCountOf(buckets), randomized: true);
        }
    }

    /// <summary>Removes <paramref name="key"/> if it maps to <paramref name="value"/>. Writers only.</summary>
    public bool Remove(TKey key, TValue value)
    {
        var buckets = _buckets;
        var hash = HashOf(key, IsRandomizedArray(buckets));
        var index = IndexOf(buckets, hash);
        var head = buckets[index];
        for (var node = head; node is not null; node = node.Next)
        {
            if (node.Hash == hash && ReferenceEquals(node.Value, value) && EqualityComparer<TKey>.Default.Equals(node.Key, key))
            {
                // Copy the nodes in front of the removed one, so a reader walking the old chain still sees all of it.
                var rest = node.Next;
                for (var front = head; !ReferenceEquals(front, node); front = front!.Next)
                {
                    rest = new Node(front!.Key, front.Hash, front.Value, rest);
                }

                Volatile.Write(ref buckets[index], rest);
                _count--;
                return true;
            }
        }

        return false;
    }

    /// <summary>Gives back bucket memory once most keys have left (a table 8x larger than needed halves until it fits 2x). Writers only.</summary>
    public void Trim()
    {
        var length = BucketCountOf(_buckets);
        if (length <= MinimumBuckets || _count * 8 > length)
        {
            return;
        }

        var target = MinimumBuckets;
        while (target < _count * 2)
        {
            target *= 2;
        }

        Rebuild(target, IsRandomizedArray(_buckets));
    }

    /// <summary>Removes every key. Writers only.</summary>
    public void Clear()
    {
        _buckets = NewBuckets(MinimumBuckets, IsRandomizedArray(_buckets));
        Volatile.Write(ref _count, 0);
    }

    /// <summary>The keys and values as of now: a snapshot, so writing while enumerating is allowed. Writers only.</summary>
    public List<KeyValuePair<TKey, TValue>> ToList()
    {
        var list = new List<KeyValuePair<TKey, TValue>>(_count);
        foreach (var head in _buckets)
        {
            for (var node = head; node is not null; node = node.Next)
            {
                list.Add(new KeyValuePair<TKey, TValue>(node.Key, node.Value));
            }
        }

        return list;
    }

    /// <summary>The longest bucket chain. Tests.</summary>
    internal int LongestChain()
    {
        var longest = 0;
        foreach (var head in _buckets)
        {
            longest = Math.Max(longest, ChainLength(head));
        }

        return longest;
    }

    [DoesNotReturn]
    private static void ThrowKeyNull() => throw new ArgumentNullException("key");

    private static int ChainLength(Node? node)
    {
        var length = 0;
        for (; node is not null; node = node.Next)
        {
            length++;
        }

        return length;
    }

    private ulong HashOf(TKey key, bool randomized)
    {
        if (_stringKeys)
        {
            var text = Unsafe.As<TKey, string>(ref key);
            return randomized ? KeyHash.Spread(text.GetHashCode()) : KeyHash.Of(text);
        }

        if (typeof(TKey).IsValueType && BytewiseKeys)
        {
            return KeyHash.Of(ref Unsafe.As<TKey, byte>(ref key), (nuint)Unsafe.SizeOf<TKey>());
        }

        return KeyHash.Spread(EqualityComparer<TKey>.Default.GetHashCode(key));
    }

    private Node?[] Rebuild(int bucketCount, bool randomized)
    {
        var old = _buckets;
        var rehash = randomized != IsRandomizedArray(old);
        var rebuilt = NewBuckets(bucketCount, randomized);
        foreach (var head in old)
        {
            for (var node = head; node is not null; node = node.Next)
            {
                var hash = rehash ? HashOf(node.Key, randomized) : node.Hash;
                var index = IndexOf(rebuilt, hash);
                rebuilt[index] = new Node(node.Key, hash, node.Value, rebuilt[index]);
            }
        }

        _buckets = rebuilt;
        return rebuilt;
    }

    // A power-of-two count of buckets; the randomized hash gets one unused slot more, so the array alone says
    // which hash made its chains.
    private static Node?[] NewBuckets(int bucketCount, bool randomized) => new Node?[randomized ? bucketCount + 1 : bucketCount];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsRandomizedArray(Node?[] buckets) => (buckets.Length & 1) != 0;

    private static int BucketCountOf(Node?[] buckets) => buckets.Length & ~1;

    // The top bits: the hashes are products, whose high bits depend on every bit of the key. For 2^k buckets
    // (or 2^k + 1) the 32-bit leading zero count is 31 - k, so the shift is 64 - k.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int IndexOf(Node?[] buckets, ulong hash) => (int)(hash >> (33 + System.Numerics.BitOperations.LeadingZeroCount((uint)buckets.Length)));

    private sealed class Node(TKey key, ulong hash, TValue value, Node? next)
    {
        public readonly TKey Key = key;
        public readonly ulong Hash = hash;
        public readonly TValue Value = value;
        public readonly Node? Next = next;
    }
}

/// <summary>The hash of <see cref="KeyTable{TKey, TValue}"/>: the key's bytes, seeded per process, 16 bytes per multiply.</summary>
internal static class KeyHash
{
    private static readonly ulong Seed = (ulong)Random.Shared.NextInt64() | 1;
    private static readonly ulong Secret = (ulong)Random.Shared.NextInt64() | 1;
    private const ulong Odd = 0x9E3779B97F4A7C15UL;

    /// <summary>The hash of the UTF-16 code units of <paramref name="text"/>, length included.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Of(string text) =>
        Of(ref Unsafe.As<char, byte>(ref MemoryMarshal.GetReference(text.AsSpan())), (nuint)text.Length * sizeof(char));

    /// <summary>The hash of <paramref name="length"/> bytes from <paramref name="start"/>, length included.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Of(ref byte start, nuint length)
    {
        var hash = Seed ^ length;
        if (length > 16)
        {
            // Whole 16-byte blocks, then the last 16 bytes (overlapping the block before when the length is not a
            // multiple of 16: the length is in the hash, so two keys still differ wherever their bytes do).
            nuint offset = 0;
            do
            {
                hash = Mix(Read(ref start, offset) ^ Secret, Read(ref start, offset + 8) ^ hash);
                offset += 16;
            }
            while (offset < length - 16);

            hash = Mix(Read(ref start, length - 16) ^ Secret, Read(ref start, length - 8) ^ hash);
        }
        else if (length >= 8)
        {
            hash = Mix(Read(ref start, 0) ^ Secret, Read(ref start, length - 8) ^ hash);
        }
        else if (length >= 4)
        {
            var word = Unsafe.ReadUnaligned<uint>(ref start) | ((ulong)Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref start, length - 4)) << 32);
            hash = Mix(word ^ Secret, hash);
        }
        else if (length >= 2)
        {
            var word = Unsafe.ReadUnaligned<ushort>(ref start) | ((ulong)Unsafe.Add(ref start, length - 1) << 16);
            hash = Mix(word ^ Secret, hash);
        }
        else if (length == 1)
        {
            hash = Mix(start ^ Secret, hash);
        }

        return Mix(hash ^ Odd, Secret);
    }

    /// <summary>A 32-bit hash code spread over 64 bits, so that the top bits (the bucket) depend on all of it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Spread(int hashCode) => ((ulong)(uint)hashCode | ((ulong)(uint)hashCode << 32)) * Odd;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Read(ref byte start, nuint offset) => Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix(ulong left, ulong right)
    {
        var high = Math.BigMul(left, right, out var low);
        return high ^ low;
    }
}
