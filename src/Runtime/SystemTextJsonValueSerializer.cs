using System;
using System.Text.Json;

namespace ExpirableStore;

/// <summary>The default <see cref="IExpirableValueSerializer"/>: System.Text.Json.</summary>
public sealed class SystemTextJsonValueSerializer : IExpirableValueSerializer
{
    private readonly JsonSerializerOptions _options;

    /// <summary>Creates a serializer with the web defaults, or with <paramref name="options"/>.</summary>
    /// <param name="options">The JSON options; null: <see cref="JsonSerializerDefaults.Web"/>.</param>
    public SystemTextJsonValueSerializer(JsonSerializerOptions? options = null)
    {
        _options = options ?? new JsonSerializerOptions(JsonSerializerDefaults.Web);
    }

    /// <summary>A shared instance with the web defaults.</summary>
    public static SystemTextJsonValueSerializer Default { get; } = new();

    /// <inheritdoc/>
    public byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, _options);

    /// <inheritdoc/>
    public T Deserialize<T>(ReadOnlySpan<byte> data) => JsonSerializer.Deserialize<T>(data, _options)!;
}
