using System;
using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using ExpirableStore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the ExpirableStore runtime and generated classes in a service collection.</summary>
public static class ExpirableStoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ExpirableRuntime"/> as a singleton. Its <see cref="ExpirableRuntimeOptions.Services"/>
    /// is the container; its logger factory, meter factory and time provider come from the container when
    /// registered there (the configure action may override them). The runtime is created with
    /// <see cref="ExpirableRuntime.Start"/>: a NATS connection is made in the background and the first
    /// access that needs it waits; call <see cref="ExpirableRuntime.WaitUntilReadyAsync"/> at startup to fail fast.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets options, e.g. <c>o =&gt; o.NatsUrl = "nats://..."</c>.</param>
    /// <returns>A builder to register generated classes with.</returns>
    public static IExpirableStoreBuilder AddExpirableStore(this IServiceCollection services, Action<ExpirableRuntimeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(provider =>
        {
            var options = new ExpirableRuntimeOptions
            {
                Services = provider,
                LoggerFactory = provider.GetService<ILoggerFactory>(),
                MeterFactory = provider.GetService<IMeterFactory>(),
                TimeProvider = provider.GetService<TimeProvider>() ?? TimeProvider.System,
            };
            configure?.Invoke(options);
            return ExpirableRuntime.Start(options);
        });
        return new Builder(services);
    }

    /// <summary>
    /// Registers <see cref="ExpirableRuntime"/> as <see cref="AddExpirableStore(IServiceCollection, Action{ExpirableRuntimeOptions}?)"/>
    /// does, with the options in <paramref name="configuration"/> (e.g. <c>builder.Configuration.GetSection("ExpirableStore")</c>):
    /// the keys are the names of <see cref="ExpirableRuntimeOptions"/>' text-valued properties (<c>NatsUrl</c>, <c>Bucket</c>,
    /// <c>LeaseDuration</c> as <c>00:00:15</c>, <c>WhenClusterUnreachable</c>, <c>EncryptionKey</c> in base64...). An unknown
    /// key or a value of the wrong form is an <see cref="ArgumentException"/> naming the key when the runtime is created.
    /// <paramref name="configure"/> runs after the configuration is read, so code wins.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration section of the options.</param>
    /// <param name="configure">Sets what configuration cannot (a connection, a serializer) or overrides it.</param>
    /// <returns>A builder to register generated classes with.</returns>
    public static IExpirableStoreBuilder AddExpirableStore(this IServiceCollection services, IConfiguration configuration, Action<ExpirableRuntimeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddExpirableStore(options =>
        {
            ExpirableStore.Internal.ConfiguredOptions.Apply(configuration, options);
            configure?.Invoke(options);
        });
    }

    /// <summary>Registers a generated class as a singleton, constructed with the registered runtime.</summary>
    /// <typeparam name="TModule">The generated class.</typeparam>
    /// <param name="builder">The builder of <c>AddExpirableStore</c>.</param>
    /// <returns>The builder.</returns>
    public static IExpirableStoreBuilder AddExpirables<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TModule>(this IExpirableStoreBuilder builder)
        where TModule : ExpirableModule
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton(provider => ActivatorUtilities.CreateInstance<TModule>(provider));
        return builder;
    }

    private sealed class Builder(IServiceCollection services) : IExpirableStoreBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}
