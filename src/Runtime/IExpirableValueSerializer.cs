using System;

namespace ExpirableStore;

/// <summary>
/// Turns values into bytes and back for the cluster store (the in-process store keeps values typed
/// and never serializes). Set <see cref="ExpirableRuntimeOptions.ValueSerializer"/> to plug in another format.
/// </summary>
public interface IExpirableValueSerializer
{
    /// <summary>Serializes a value.</summary>
    /// <typeparam name="T">The declared value type.</typeparam>
    /// <param name="value">The value.</param>
    /// <returns>Its bytes.</returns>
    byte[] Serialize<T>(T value);

    /// <summary>Deserializes a value written by <see cref="Serialize{T}"/>.</summary>
    /// <typeparam name="T">The declared value type.</typeparam>
    /// <param name="data">The bytes.</param>
    /// <returns>The value.</returns>
    T Deserialize<T>(ReadOnlySpan<byte> data);
}
