using System.Threading.Tasks;

namespace ExpirableStore.Runtime.Tests.Support;

/// <summary>The runtime's test hooks, in one place.</summary>
public static class Hooks
{
    /// <summary>Makes the next access check the runtime's clock against the monotonic one, as it does once per 50 ms.</summary>
    public static void CheckClockAtNextAccess(ExpirableRuntime runtime) => runtime.Clock.ExpireTrust();

    /// <summary>Completes when no call of the fetch method runs, abandoned or not, and its late outcome was handled.</summary>
    public static Task WhenFetchEndedAsync<T>(Expirable<T> expirable) => expirable.Core.WhenFetchEndedAsync();

    /// <summary>Completes when the flight running now (if any) has finished and stored its outcome.</summary>
    public static Task IdleAsync<T>(Expirable<T> expirable) => expirable.Core.WhenIdleAsync();
}
