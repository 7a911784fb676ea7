using System;
using System.Collections.Generic;
using ExpirableStore.Compiler.Diagnostics;
using ExpirableStore.Compiler.Syntax;

namespace ExpirableStore.Compiler.Semantics;

/// <summary>What the options of one declaration mean, with every default applied.</summary>
internal sealed class ExpirableOptions
{
    public ExpirableOptions(QualifiedNameSyntax fetch, ScopeValue scope, RefreshValue refresh, TimeSpan? eagerBefore, TimeSpan? timeout)
    {
        Fetch = fetch;
        Scope = scope;
        Refresh = refresh;
        EagerBefore = eagerBefore;
        Timeout = timeout;
    }

    public QualifiedNameSyntax Fetch { get; }

    public ScopeValue Scope { get; }

    public RefreshValue Refresh { get; }

    /// <summary>Non-null exactly when <see cref="Refresh"/> is eager.</summary>
    public TimeSpan? EagerBefore { get; }

    public TimeSpan? Timeout { get; }
}

/// <summary>
/// The checks of the options inside one declaration's <c>&lt; &gt;</c>, and their meaning: an
/// option given twice (EXP0105; the first one counts), durations (EXP0003, EXP0004), a missing
/// <c>fetch</c> (EXP0104), <c>timeout</c> against <c>refresh eager</c> (EXP0202). A new option
/// gets its value and its rules here.
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
        foreach (var option in declaration.Options)
        {
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

        firstOfKind.TryGetValue(OptionKind.Fetch, out var fetch);
        if (fetch is null && !declaration.HasSyntaxErrors)
        {
            diagnostics.Add(DiagnosticBuilder.At(path, declaration.Name?.Span ?? declaration.KeywordSpan).MissingFetch(shownName));
        }

        if (fetch?.FetchMethod is null || !durationsOk)
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
            timeout);
    }
}
