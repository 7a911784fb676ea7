using System;
using System.Collections.Generic;
using ExpirableStore.Compiler.Diagnostics;
using ExpirableStore.Compiler.Syntax;

namespace ExpirableStore.Compiler.Semantics;

/// <summary>What the options of one declaration mean, with every default applied.</summary>
internal sealed class ExpirableOptions
{
    public ExpirableOptions(QualifiedNameSyntax fetch, ScopeValue scope, RefreshValue refresh, TimeSpan? eagerBefore, TimeSpan? timeout, TypeSyntax? keyType, TypeSyntax? stateType, bool stateRequired)
    {
        Fetch = fetch;
        Scope = scope;
        Refresh = refresh;
        EagerBefore = eagerBefore;
        Timeout = timeout;
        KeyType = keyType;
        StateType = stateType;
        StateRequired = stateRequired;
    }

    public QualifiedNameSyntax Fetch { get; }

    public ScopeValue Scope { get; }

    public RefreshValue Refresh { get; }

    /// <summary>Non-null exactly when <see cref="Refresh"/> is eager.</summary>
    public TimeSpan? EagerBefore { get; }

    public TimeSpan? Timeout { get; }

    /// <summary>The type of the key: null when the expirable is not keyed.</summary>
    public TypeSyntax? KeyType { get; }

    /// <summary>The type of the state: null when the expirable is stateless.</summary>
    public TypeSyntax? StateType { get; }

    /// <summary>True for <c>state S required</c>: no fetch runs before the application sets a state.</summary>
    public bool StateRequired { get; }
}

/// <summary>
/// The checks of the options inside one declaration's <c>&lt; &gt;</c>, and their meaning: an
/// option given twice (EXP0105; the first one counts), durations (EXP0003, EXP0004), a missing
/// <c>fetch</c> (EXP0104), <c>timeout</c> against <c>refresh eager</c> (EXP0202), a
/// <c>required</c> that does not follow the type of a <c>state</c> (EXP0110), a nullable key type
/// (EXP0111). A new option gets its value and its rules here.
/// </summary>
internal static class OptionChecker
{
    /// <summary>The options' meaning, or null when one of them is missing or wrong (the diagnostics say why).</summary>
    public static ExpirableOptions? Check(ExpirableDeclarationSyntax declaration, string shownName, string path, List<Diagnostic> diagnostics)
    {
        var firstOfKind = new Dictionary<OptionKind, OptionSyntax>();
        TimeSpan? eagerBefore = null;
        TimeSpan? timeout = null;
        var durationsOk = true;
        List<OptionSyntax>? misplacedRequired = null;
        foreach (var option in declaration.Options)
        {
            if (option.Kind == OptionKind.Required)
            {
                // Not an option but a word out of place: each one is its own mistake (EXP0110 below).
                (misplacedRequired ??= new List<OptionSyntax>()).Add(option);
                continue;
            }

            var isFirst = !firstOfKind.TryGetValue(option.Kind, out var earlier);
            if (isFirst)
            {
                firstOfKind.Add(option.Kind, option);
            }
            else
            {
                diagnostics.Add(DiagnosticBuilder.At(path, option.KeywordSpan).DuplicateOption(option.Keyword, shownName, earlier!.KeywordSpan.Line));
            }

            if (option.Duration is not null)
            {
                var value = Duration.Read(option.Duration, path, diagnostics);
                durationsOk &= value is not null;
                if (isFirst && option.Kind == OptionKind.Refresh)
                {
                    eagerBefore = value;
                }
                else if (isFirst && option.Kind == OptionKind.Timeout)
                {
                    timeout = value;
                }
            }
        }

        if (eagerBefore is { } eager && timeout is { } limit && limit >= eager)
        {
            var timeoutOption = firstOfKind[OptionKind.Timeout];
            diagnostics.Add(DiagnosticBuilder.At(path, timeoutOption.Duration!.Span)
                .TimeoutNotShorterThanEagerRefresh(timeoutOption.Duration.Text, firstOfKind[OptionKind.Refresh].Duration!.Text));
        }

        firstOfKind.TryGetValue(OptionKind.State, out var state);
        var stateOk = CheckRequired(misplacedRequired, state, shownName, path, diagnostics) & (declaration.HasSyntaxErrors || TypeChecker.Check(state?.Type, path, diagnostics));
        firstOfKind.TryGetValue(OptionKind.Key, out var key);
        var keyOk = (declaration.HasSyntaxErrors || TypeChecker.Check(key?.Type, path, diagnostics)) && CheckKeyType(key, path, diagnostics);

        firstOfKind.TryGetValue(OptionKind.Fetch, out var fetch);
        if (fetch is null && !declaration.HasSyntaxErrors)
        {
            diagnostics.Add(DiagnosticBuilder.At(path, declaration.Name?.Span ?? declaration.KeywordSpan).MissingFetch(shownName));
        }

        if (fetch?.FetchMethod is null || !durationsOk || !stateOk || !keyOk)
        {
            return null;
        }

        firstOfKind.TryGetValue(OptionKind.Scope, out var scope);
        firstOfKind.TryGetValue(OptionKind.Refresh, out var refresh);
        var isEager = refresh?.Refresh == RefreshValue.Eager;
        return new ExpirableOptions(
            fetch.FetchMethod,
            scope?.Scope ?? ScopeValue.Cluster,
            refresh?.Refresh ?? RefreshValue.Lazy,
            isEager ? eagerBefore : null,
            timeout,
            key?.Type,
            state?.Type,
            state?.IsStateRequired == true);
    }

    // 'required' belongs right after the type of the 'state' ('state S required'); anywhere else an
    // option may start it is read on its own, and each such word says where it belongs.
    private static bool CheckRequired(List<OptionSyntax>? misplaced, OptionSyntax? state, string shownName, string path, List<Diagnostic> diagnostics)
    {
        var stateOk = state is null || state.Type is not null;
        if (state is { Type: { } written } && IsMissingStateType(written))
        {
            // 'state required': the word meant to follow the type took its place.
            diagnostics.Add(DiagnosticBuilder.At(path, written.Span).StateTypeMissing(shownName));
            stateOk = false;
        }
        else if (state is { IsRequiredBeforeType: true, Type: { } early })
        {
            diagnostics.Add(DiagnosticBuilder.At(path, state.RequiredSpan!.Value).RequiredNotAfterStateType(Duration.Shorten(early.Text)));
            stateOk = false;
        }

        if (misplaced is null)
        {
            return stateOk;
        }

        var stateType = state is null ? null : state.Type is { } type && !IsMissingStateType(type) ? Duration.Shorten(type.Text) : "S";
        foreach (var required in misplaced)
        {
            var at = DiagnosticBuilder.At(path, required.KeywordSpan);
            diagnostics.Add(stateType is null ? at.RequiredWithoutState(shownName)
                : state!.IsStateRequired ? at.RequiredTwice(stateType, state.KeywordSpan.Line)
                : at.RequiredNotAfterStateType(stateType));
        }

        return false;
    }

    // A C# type cannot be named 'required' (CS9029), so 'state required' is a state without its type.
    private static bool IsMissingStateType(TypeSyntax type) => type.Text == "required";

    // A key is never null: 'key string?' would only let null keys in, which mean nothing (and a
    // nullable type argument breaks the runtime's 'TKey : notnull'). Which key types the cluster
    // can encode is the runtime's rule, checked when the module is constructed.
    private static bool CheckKeyType(OptionSyntax? key, string path, List<Diagnostic> diagnostics)
    {
        if (key is null)
        {
            return true;
        }

        if (key.Type is not { } type)
        {
            return false;
        }

        if (type.IsNullable)
        {
            diagnostics.Add(DiagnosticBuilder.At(path, type.Span).NullableKeyType(Duration.Shorten(type.Text), Duration.Shorten(type.Text.Substring(0, type.Text.Length - 1))));
            return false;
        }

        return true;
    }
}
