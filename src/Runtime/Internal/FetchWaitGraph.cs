using System.Collections.Generic;

namespace ExpirableStore.Internal;

/// <summary>
/// Which running fetch waits for which expirable, process-wide, to refuse the wait that would close a
/// cycle (a's fetch reads a; a's reads b while b's reads a; also through a flight started by someone
/// else). Only reads from inside a fetch method that have to wait are recorded, so hits and ordinary
/// callers never touch it.
/// </summary>
internal static class FetchWaitGraph
{
    private static readonly object Gate = new();

    // waiter -> (target -> number of waits)
    private static readonly Dictionary<IExpirableSlot, Dictionary<IExpirableSlot, int>> Waits = new(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// Records that the fetch of <paramref name="waiter"/> waits for <paramref name="target"/>, unless that
    /// closes a cycle: then nothing is recorded and the cycle's keys are returned
    /// (<c>waiter -> target -> ... -> waiter</c>).
    /// </summary>
    public static IReadOnlyList<string>? TryAddWait(IExpirableSlot waiter, IExpirableSlot target)
    {
        if (ReferenceEquals(waiter, target))
        {
            return [waiter.Key, waiter.Key];
        }

        lock (Gate)
        {
            if (FindPath(target, waiter) is { } path)
            {
                var cycle = new List<string>(path.Count + 1) { waiter.Key };
                foreach (var slot in path)
                {
                    cycle.Add(slot.Key);
                }

                return cycle;
            }

            if (!Waits.TryGetValue(waiter, out var targets))
            {
                targets = new Dictionary<IExpirableSlot, int>(ReferenceEqualityComparer.Instance);
                Waits.Add(waiter, targets);
            }

            targets[target] = targets.TryGetValue(target, out var count) ? count + 1 : 1;
            return null;
        }
    }

    public static void RemoveWait(IExpirableSlot waiter, IExpirableSlot target)
    {
        lock (Gate)
        {
            if (!Waits.TryGetValue(waiter, out var targets) || !targets.TryGetValue(target, out var count))
            {
                return;
            }

            if (count > 1)
            {
                targets[target] = count - 1;
                return;
            }

            targets.Remove(target);
            if (targets.Count == 0)
            {
                Waits.Remove(waiter);
            }
        }
    }

    /// <summary>Test hook: how many waits are recorded (every wait removes its own when it ends).</summary>
    internal static int Count
    {
        get
        {
            lock (Gate)
            {
                var n = 0;
                foreach (var targets in Waits.Values)
                {
                    foreach (var count in targets.Values)
                    {
                        n += count;
                    }
                }

                return n;
            }
        }
    }

    // Depth-first: the slots from `from` (inclusive) to `to` (inclusive) along recorded waits, or null.
    private static List<IExpirableSlot>? FindPath(IExpirableSlot from, IExpirableSlot to)
    {
        var visited = new HashSet<IExpirableSlot>(ReferenceEqualityComparer.Instance);
        var path = new List<IExpirableSlot>();
        return Visit(from) ? path : null;

        bool Visit(IExpirableSlot node)
        {
            if (!visited.Add(node))
            {
                return false;
            }

            path.Add(node);
            if (ReferenceEquals(node, to))
            {
                return true;
            }

            if (Waits.TryGetValue(node, out var targets))
            {
                foreach (var next in targets.Keys)
                {
                    if (Visit(next))
                    {
                        return true;
                    }
                }
            }

            path.RemoveAt(path.Count - 1);
            return false;
        }
    }
}
