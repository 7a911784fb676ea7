namespace ExpirableStore.Compiler.Diagnostics;

/// <summary>How serious a <see cref="Diagnostic"/> is.</summary>
public enum DiagnosticSeverity
{
    /// <summary>The file compiles, but probably does not do what its author meant.</summary>
    Warning = 1,

    /// <summary>The file cannot be compiled; no code is generated.</summary>
    Error = 2,
}
