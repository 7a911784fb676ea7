using System.Diagnostics;
using System.Threading;

namespace ExpirableStore.Internal;

/// <summary>One call of an expirable's fetch method, as the code it calls sees it.</summary>
internal abstract class FetchCall(IExpirableSlot slot)
{
    private volatile bool _ended;

    /// <summary>The expirable being fetched.</summary>
    public IExpirableSlot Slot { get; } = slot;

    /// <summary>
    /// Whether the fetch method has returned (or was forgotten): work it started that outlives it (a
    /// fire-and-forget task) carries its context along, but no longer counts as running inside it.
    /// </summary>
    public bool Ended => _ended;

    public void MarkEnded() => _ended = true;
}

/// <summary>What a flight hands to the fetch it causes, through the flight's own execution context.</summary>
/// <param name="slot">The expirable the flight fetches.</param>
/// <param name="parent">The span the fetch's span is a child of: the first waiting caller's, none for a background refresh.</param>
internal abstract class FlightInfo(IExpirableSlot slot, ActivityContext parent)
{
    public IExpirableSlot Slot { get; } = slot;

    public ActivityContext Parent { get; } = parent;
}

/// <summary>
/// The ambient state the runtime keeps in execution contexts it owns: flights and fetch tasks start
/// without the caller's context (<see cref="Background"/>), then set these.
/// </summary>
internal static class FetchContext
{
    private static readonly AsyncLocal<FetchCall?> CurrentCall = new();
    private static readonly AsyncLocal<FlightInfo?> CurrentFlight = new();

    /// <summary>The fetch method call this code runs inside, if any (set in the fetch method's own task).</summary>
    public static FetchCall? Call => CurrentCall.Value is { Ended: false } call ? call : null;

    /// <summary>The flight this code runs in, if any (set by the flight for the store it calls).</summary>
    public static FlightInfo? Flight => CurrentFlight.Value;

    public static void EnterCall(FetchCall call) => CurrentCall.Value = call;

    public static void EnterFlight(FlightInfo flight) => CurrentFlight.Value = flight;
}
