namespace ExpirableStore.Compiler.Diagnostics;

/// <summary>Describes one diagnostic code, for tools that list rules (SARIF) and for documentation.</summary>
public sealed class DiagnosticDescriptor
{
    internal DiagnosticDescriptor(string code, DiagnosticSeverity severity, string title, string description)
    {
        Code = code;
        DefaultSeverity = severity;
        Title = title;
        Description = description;
    }

    /// <summary>The stable code, such as <c>EXP0104</c>.</summary>
    public string Code { get; }

    /// <summary>The severity the compiler reports it with.</summary>
    public DiagnosticSeverity DefaultSeverity { get; }

    /// <summary>A short title.</summary>
    public string Title { get; }

    /// <summary>One sentence on when it is reported.</summary>
    public string Description { get; }

    /// <summary>The documentation address.</summary>
    public string HelpUri => DiagnosticBuilder.HelpUriFor(Code);
}
