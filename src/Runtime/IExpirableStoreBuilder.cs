using Microsoft.Extensions.DependencyInjection;

namespace ExpirableStore;

/// <summary>Returned by <c>AddExpirableStore</c>: registers generated classes with <c>AddExpirables&lt;TModule&gt;()</c>.</summary>
public interface IExpirableStoreBuilder
{
    /// <summary>The service collection the store is registered in.</summary>
    IServiceCollection Services { get; }
}
