using System;
using System.Collections.Generic;
using Microsoft.Extensions.Configuration;

namespace ExpirableStore.Internal;

/// <summary>
/// The options that configuration can set (<c>AddExpirableStore(IConfiguration)</c>): the ones whose values are
/// text. A key absent from the configuration leaves the option as it was; an unknown key (a typo) is an error.
/// Objects (the clock, the services, the serializer, a connection) are set in code.
/// </summary>
internal sealed class ConfiguredOptions
{
    public string? NatsUrl { get; set; }

    public string? Bucket { get; set; }

    public string? KeyPrefix { get; set; }

    public int? Replicas { get; set; }

    public TimeSpan? LeaseDuration { get; set; }

    public TimeSpan? NatsCallTimeout { get; set; }

    public ClusterUnreachableFetchMode? WhenClusterUnreachable { get; set; }

    public string? User { get; set; }

    public string? Password { get; set; }

    public string? Token { get; set; }

    public string? NKeySeed { get; set; }

    public string? CredentialsFile { get; set; }

    public bool? UseTls { get; set; }

    public string? TlsCaFile { get; set; }

    public string? TlsCertFile { get; set; }

    public string? TlsKeyFile { get; set; }

    /// <summary>Base64, like every key below.</summary>
    public string? EncryptionKey { get; set; }

    public List<string>? PreviousEncryptionKeys { get; set; }

    public TimeSpan? DefaultFetchTimeout { get; set; }

    public TimeSpan? EagerRetryInitialBackoff { get; set; }

    public TimeSpan? EagerRetryMaxBackoff { get; set; }

    public TimeSpan? DisposeGracePeriod { get; set; }

    public TimeSpan? AbandonedFetchTimeout { get; set; }

    public TimeSpan? KeyIdleTimeout { get; set; }

    /// <summary>Reads <paramref name="configuration"/> into <paramref name="options"/>; errors name the configuration key, never a value.</summary>
    public static void Apply(IConfiguration configuration, ExpirableRuntimeOptions options)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        var read = new ConfiguredOptions();
        var path = configuration is IConfigurationSection section ? section.Path + ":" : string.Empty;
        try
        {
            configuration.Bind(read, binder => binder.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException ex)
        {
            // The binder's message names the key and the type (and for unknown keys, the keys); it is the error.
            throw new ArgumentException("ExpirableStore configuration: " + ex.Message, nameof(configuration), ex);
        }

        options.NatsUrl = read.NatsUrl ?? options.NatsUrl;
        options.Bucket = read.Bucket ?? options.Bucket;
        options.KeyPrefix = read.KeyPrefix ?? options.KeyPrefix;
        options.Replicas = read.Replicas ?? options.Replicas;
        options.LeaseDuration = read.LeaseDuration ?? options.LeaseDuration;
        options.NatsCallTimeout = read.NatsCallTimeout ?? options.NatsCallTimeout;
        options.WhenClusterUnreachable = read.WhenClusterUnreachable ?? options.WhenClusterUnreachable;
        options.User = read.User ?? options.User;
        options.Password = read.Password ?? options.Password;
        options.Token = read.Token ?? options.Token;
        options.NKeySeed = read.NKeySeed ?? options.NKeySeed;
        options.CredentialsFile = read.CredentialsFile ?? options.CredentialsFile;
        options.UseTls = read.UseTls ?? options.UseTls;
        options.TlsCaFile = read.TlsCaFile ?? options.TlsCaFile;
        options.TlsCertFile = read.TlsCertFile ?? options.TlsCertFile;
        options.TlsKeyFile = read.TlsKeyFile ?? options.TlsKeyFile;
        options.DefaultFetchTimeout = read.DefaultFetchTimeout ?? options.DefaultFetchTimeout;
        options.EagerRetryInitialBackoff = read.EagerRetryInitialBackoff ?? options.EagerRetryInitialBackoff;
        options.EagerRetryMaxBackoff = read.EagerRetryMaxBackoff ?? options.EagerRetryMaxBackoff;
        options.DisposeGracePeriod = read.DisposeGracePeriod ?? options.DisposeGracePeriod;
        options.AbandonedFetchTimeout = read.AbandonedFetchTimeout ?? options.AbandonedFetchTimeout;
        options.KeyIdleTimeout = read.KeyIdleTimeout ?? options.KeyIdleTimeout;
        if (read.EncryptionKey is { } key)
        {
            options.EncryptionKey = Base64(key, path + nameof(EncryptionKey));
        }

        if (read.PreviousEncryptionKeys is { } previous)
        {
            var keys = new List<byte[]>(previous.Count);
            for (var i = 0; i < previous.Count; i++)
            {
                keys.Add(Base64(previous[i], $"{path}{nameof(PreviousEncryptionKeys)}:{i}"));
            }

            options.PreviousEncryptionKeys = keys;
        }
    }

    private static byte[] Base64(string text, string key)
    {
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw new ArgumentException($"ExpirableStore configuration: '{key}' must be base64 (a 16, 24 or 32-byte AES key).", key);
        }
    }
}
