using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ExpirableStore.Internal;

/// <summary>
/// The runtime's meter and activity source, both named "ExpirableStore". Measurements and spans go through
/// the static helpers below: a listener that throws loses its measurement and never breaks a hit, a fetch
/// or a timer.
/// </summary>
internal sealed class ExpirableTelemetry : IDisposable
{
    public const string Name = "ExpirableStore";
    public const string NameTag = "expirable.name";
    public const string ScopeTag = "expirable.scope";
    public const string OutcomeTag = "expirable.outcome";

    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly bool _ownsMeter;

    public ExpirableTelemetry(IMeterFactory? meterFactory)
    {
        if (meterFactory is null)
        {
            Meter = new Meter(Name);
            _ownsMeter = true;
        }
        else
        {
            Meter = meterFactory.Create(Name);
        }

        Hits = Meter.CreateCounter<long>("expirable.hits", unit: "{access}", description: "Accesses answered from the cached value.");
        Misses = Meter.CreateCounter<long>("expirable.misses", unit: "{access}", description: "Accesses that had to wait for a fetch.");
        Fetches = Meter.CreateCounter<long>("expirable.fetches", unit: "{fetch}", description: "Fetch methods called.");
        FetchFailures = Meter.CreateCounter<long>("expirable.fetch_failures", unit: "{fetch}", description: "Fetches that failed, threw or timed out.");
        EagerRefreshes = Meter.CreateCounter<long>("expirable.eager_refreshes", unit: "{refresh}", description: "Background refreshes started (retries included).");
        FetchDuration = Meter.CreateHistogram<double>("expirable.fetch.duration", unit: "s", description: "Duration of fetch methods.");
        Meter.CreateObservableUpDownCounter("expirable.keys", ObserveKeys, unit: "{key}", description: "Keys of keyed expirables held in memory.");
    }

    /// <summary>What <c>expirable.keys</c> reports: the number of keys a keyed expirable holds in memory.</summary>
    internal interface IKeyCount
    {
        int Count { get; }

        KeyValuePair<string, object?> NameTag { get; }

        KeyValuePair<string, object?> ScopeTag { get; }
    }

    private readonly object _keyedGate = new();
    private readonly List<IKeyCount> _keyed = [];

    public Meter Meter { get; }

    public Counter<long> Hits { get; }

    public Counter<long> Misses { get; }

    public Counter<long> Fetches { get; }

    public Counter<long> FetchFailures { get; }

    public Counter<long> EagerRefreshes { get; }

    public Histogram<double> FetchDuration { get; }

    /// <summary>The scope tag of every measurement of an expirable declared with <paramref name="scope"/>.</summary>
    public static KeyValuePair<string, object?> ScopeTagOf(ExpirableScope scope) => new(ScopeTag, scope == ExpirableScope.Local ? "local" : "cluster");

    public static void Add(Counter<long> counter, KeyValuePair<string, object?> tag1, KeyValuePair<string, object?> tag2)
    {
        if (!counter.Enabled)
        {
            return;
        }

        try
        {
            counter.Add(1, tag1, tag2);
        }
#pragma warning disable CA1031 // a throwing listener must not break the runtime (see the class comment)
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    public static void Add(Counter<long> counter, KeyValuePair<string, object?> tag1, KeyValuePair<string, object?> tag2, KeyValuePair<string, object?> tag3)
    {
        if (!counter.Enabled)
        {
            return;
        }

        try
        {
            counter.Add(1, tag1, tag2, tag3);
        }
#pragma warning disable CA1031 // see the class comment
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    public static void Record(Histogram<double> histogram, double value, KeyValuePair<string, object?> tag1, KeyValuePair<string, object?> tag2, KeyValuePair<string, object?> tag3)
    {
        if (!histogram.Enabled)
        {
            return;
        }

        try
        {
            histogram.Record(value, tag1, tag2, tag3);
        }
#pragma warning disable CA1031 // see the class comment
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    /// <summary>Reports the keys of <paramref name="keyed"/> in <c>expirable.keys</c> until <see cref="UntrackKeys"/>.</summary>
    public void TrackKeys(IKeyCount keyed)
    {
        lock (_keyedGate)
        {
            _keyed.Add(keyed);
        }
    }

    public void UntrackKeys(IKeyCount keyed)
    {
        lock (_keyedGate)
        {
            _keyed.Remove(keyed);
        }
    }

    private IEnumerable<Measurement<long>> ObserveKeys()
    {
        lock (_keyedGate)
        {
            var measurements = new Measurement<long>[_keyed.Count];
            for (var i = 0; i < measurements.Length; i++)
            {
                measurements[i] = new Measurement<long>(_keyed[i].Count, _keyed[i].NameTag, _keyed[i].ScopeTag);
            }

            return measurements;
        }
    }

    /// <summary>Starts the span of one fetch, a child of <paramref name="parent"/> (default: a root span, or the current one).</summary>
    public static Activity? StartFetch(ActivityContext parent)
    {
        try
        {
            return ActivitySource.StartActivity("expirable.fetch", ActivityKind.Internal, parent);
        }
#pragma warning disable CA1031 // see the class comment
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }

    public static void Stop(Activity? activity)
    {
        try
        {
            activity?.Dispose();
        }
#pragma warning disable CA1031 // see the class comment
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            Meter.Dispose();
        }
    }
}
