using System;
using ExpirableStore.Internal;

namespace ExpirableStore;

/// <summary>Describes one declared expirable: the runtime's input, and introspection for users.</summary>
public sealed class ExpirableDefinition
{
    /// <summary>Creates a definition (generated code calls this).</summary>
    /// <param name="name">The name as declared: "github_access_token".</param>
    /// <param name="memberName">The C# property: "GithubAccessToken".</param>
    /// <param name="valueType">The C# type as written in the file.</param>
    /// <param name="scope">Where the value is shared.</param>
    /// <param name="refresh">When it is refreshed.</param>
    /// <param name="eagerBefore">How long before expiry an eager refresh starts; non-null iff <paramref name="refresh"/> is eager; positive, at most <see cref="MaxDuration"/>.</param>
    /// <param name="timeout">Upper bound on one fetch; null: none; positive, at most <see cref="MaxDuration"/>.</param>
    /// <param name="sourceFile">The .expirables file name.</param>
    /// <param name="line">The 1-based line of the declaration.</param>
    public ExpirableDefinition(
        string name,
        string memberName,
        string valueType,
        ExpirableScope scope,
        RefreshMode refresh,
        TimeSpan? eagerBefore,
        TimeSpan? timeout,
        string sourceFile,
        int line)
        : this(name, memberName, valueType, keyType: null, stateType: null, stateRequired: false, scope, refresh, eagerBefore, timeout, sourceFile, line)
    {
    }

    /// <summary>Creates a definition of language version 2 (generated code calls this for keyed and stateful expirables).</summary>
    /// <param name="name">The name as declared: "tenant_token".</param>
    /// <param name="memberName">The C# property: "TenantToken".</param>
    /// <param name="valueType">The C# value type as written in the file.</param>
    /// <param name="keyType">The C# key type as written in the file (<c>key T</c>); null: not keyed.</param>
    /// <param name="stateType">The C# state type as written in the file (<c>state S</c>); null: stateless.</param>
    /// <param name="stateRequired">Whether the state is <c>required</c>: accesses fail with <see cref="FetchFailure.StateRequired"/> until one is put.</param>
    /// <param name="scope">Where the value is shared.</param>
    /// <param name="refresh">When it is refreshed.</param>
    /// <param name="eagerBefore">How long before expiry an eager refresh starts; non-null iff <paramref name="refresh"/> is eager.</param>
    /// <param name="timeout">Upper bound on one fetch; null: none.</param>
    /// <param name="sourceFile">The .expirables file name.</param>
    /// <param name="line">The 1-based line of the declaration.</param>
    public ExpirableDefinition(
        string name,
        string memberName,
        string valueType,
        string? keyType,
        string? stateType,
        bool stateRequired,
        ExpirableScope scope,
        RefreshMode refresh,
        TimeSpan? eagerBefore,
        TimeSpan? timeout,
        string sourceFile,
        int line)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(memberName);
        ArgumentNullException.ThrowIfNull(valueType);
        ArgumentNullException.ThrowIfNull(sourceFile);
        if (refresh == RefreshMode.Eager)
        {
            if (eagerBefore is not { } before)
            {
                throw new ArgumentException($"Eager expirable '{name}' needs an eagerBefore.", nameof(eagerBefore));
            }

            Durations.RequirePositive(before, nameof(eagerBefore));
        }

        if (refresh == RefreshMode.Lazy && eagerBefore is not null)
        {
            throw new ArgumentException("A lazy expirable has no eagerBefore.", nameof(eagerBefore));
        }

        if (timeout is { } t)
        {
            Durations.RequirePositive(t, nameof(timeout));
        }

        if (keyType is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(keyType);
        }

        if (stateType is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(stateType);
        }
        else if (stateRequired)
        {
            throw new ArgumentException($"Expirable '{name}' requires a state but declares no state type.", nameof(stateRequired));
        }

        Name = name;
        MemberName = memberName;
        KeyType = keyType;
        StateType = stateType;
        StateRequired = stateRequired;
        ValueType = valueType;
        Scope = scope;
        Refresh = refresh;
        EagerBefore = eagerBefore;
        Timeout = timeout;
        SourceFile = sourceFile;
        Line = line;
    }

    /// <summary>
    /// The longest eager margin or timeout (365 days, the language's limit: EXP0004); longer ones, and
    /// <see cref="TimeSpan.MaxValue"/>, are an <see cref="ArgumentOutOfRangeException"/>.
    /// </summary>
    public static TimeSpan MaxDuration => Durations.Max;

    /// <summary>The name as declared.</summary>
    public string Name { get; }

    /// <summary>The C# property name.</summary>
    public string MemberName { get; }

    /// <summary>The C# value type as written in the .expirables file.</summary>
    public string ValueType { get; }

    /// <summary>The C# key type as written in the .expirables file; null when not keyed.</summary>
    public string? KeyType { get; }

    /// <summary>The C# state type as written in the .expirables file; null when stateless.</summary>
    public string? StateType { get; }

    /// <summary>Whether an access needs a state put first (<c>state S required</c>).</summary>
    public bool StateRequired { get; }

    /// <summary>Whether the expirable holds one value per key (<c>key T</c>).</summary>
    public bool IsKeyed => KeyType is not null;

    /// <summary>Whether the fetch receives and returns a state (<c>state S</c>).</summary>
    public bool IsStateful => StateType is not null;

    /// <summary>Where the value is shared.</summary>
    public ExpirableScope Scope { get; }

    /// <summary>When the value is refreshed.</summary>
    public RefreshMode Refresh { get; }

    /// <summary>How long before expiry an eager refresh starts; null for lazy.</summary>
    public TimeSpan? EagerBefore { get; }

    /// <summary>Upper bound on one fetch; null: the options' default.</summary>
    public TimeSpan? Timeout { get; }

    /// <summary>The .expirables file that declares it.</summary>
    public string SourceFile { get; }

    /// <summary>The 1-based line of the declaration.</summary>
    public int Line { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Scope}, {Refresh}) at {SourceFile}({Line})";
}
