using System.CommandLine;

namespace ExpirableStore.Cli.Commands;

/// <summary>Arguments and options several commands share, spelt the same everywhere.</summary>
internal static class CommonOptions
{
    public static Argument<string[]> Paths(string description, bool required = false) => new("PATH")
    {
        Description = description,
        Arity = required ? ArgumentArity.OneOrMore : ArgumentArity.ZeroOrMore,
    };

    public static Option<string?> Namespace() => new("--namespace", "-n")
    {
        Description = "The namespace of files without a 'namespace' header (default: the global namespace).",
        HelpName = "NAMESPACE",
    };
}
