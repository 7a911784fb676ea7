using System;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ExpirableStore.Internal;

/// <summary>The runtime's meter and activity source, both named "ExpirableStore".</summary>
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
    }

    public Meter Meter { get; }

    public Counter<long> Hits { get; }

    public Counter<long> Misses { get; }

    public Counter<long> Fetches { get; }

    public Counter<long> FetchFailures { get; }

    public Counter<long> EagerRefreshes { get; }

    public Histogram<double> FetchDuration { get; }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            Meter.Dispose();
        }
    }
}
