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
            if (value is not null && !IsDottedName(value))
            {
                result.AddError($"--namespace '{value}' is not a namespace: expected names separated by dots, each [A-Za-z_][A-Za-z0-9_]* with an optional leading '@', such as MyApp.Auth");
            }
        });
        return option;
    }

    private static bool IsDottedName(string value)
    {
        foreach (var part in value.Split('.'))
        {
            var name = part.StartsWith('@') ? part.Substring(1) : part;
            if (name.Length == 0 || !(char.IsAsciiLetter(name[0]) || name[0] == '_'))
            {
                return false;
            }

            foreach (var c in name)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c != '_')
                {
                    return false;
                }
            }
        }

        return true;
    }
}
