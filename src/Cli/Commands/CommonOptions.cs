using System.CommandLine;
using ExpirableStore.Compiler.Semantics;

namespace ExpirableStore.Cli.Commands;

/// <summary>Arguments and options several commands share, spelt the same everywhere.</summary>
internal static class CommonOptions
{
    public static Argument<string[]> Paths(string description, bool required = false) => new("PATH")
    {
        Description = description + " '-' is standard input.",
        Arity = required ? ArgumentArity.OneOrMore : ArgumentArity.ZeroOrMore,
    };

    public static Option<string?> StandardInputName() => new("--stdin-name")
    {
        Description = "The file name standard input ('-') stands for: what diagnostics name it, and what the class is named after.",
        HelpName = "NAME",
    };

    public static Option<string?> Namespace()
    {
        var option = new Option<string?>("--namespace", "-n")
        {
            Description = "The namespace of files without a 'namespace' header (default: the global namespace).",
            HelpName = "NAMESPACE",
        };

        // The value goes into the generated C# as written: a malformed one would only fail there.
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string?>();
            if (value is not null && !Naming.TryParseDottedName(value, out _))
            {
                result.AddError($"--namespace '{value}' is not a namespace: expected C# names separated by dots, each with an optional leading '@', such as MyApp.Auth");
            }
        });
        return option;
    }
}
