namespace ExpirableStore.Compiler;

/// <summary>What the caller (MSBuild, the CLI) decides for a compilation.</summary>
public sealed class CompilerOptions
{
    /// <summary>The options every property at its default.</summary>
    public static CompilerOptions Default { get; } = new();

    /// <summary>
    /// The namespace used when the file has no <c>namespace</c> header (MSBuild: <c>$(RootNamespace)</c>;
    /// CLI: <c>--namespace</c>). Null or empty: the global namespace.
    /// </summary>
    public string? DefaultNamespace { get; init; }

    /// <summary>The generated class's name; overrides the <c>module</c> header and the file-name default.</summary>
    public string? ClassName { get; init; }

    /// <summary>The path written in <c>#line</c> directives; default: <see cref="SourceFile.Path"/> as given.</summary>
    public string? LineDirectivePath { get; init; }

    /// <summary>Whether to map user-written text back to the <c>.expirables</c> file with <c>#line</c>.</summary>
    public bool EmitLineDirectives { get; init; } = true;
}
