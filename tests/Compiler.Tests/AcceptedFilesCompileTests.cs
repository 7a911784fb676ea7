using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using ExpirableStore.Compiler.Semantics;
using ExpirableStore.Tests.Support;
using NUnit.Framework;

namespace ExpirableStore.Compiler.Tests;

/// <summary>
/// What <c>check</c> accepts compiles without warnings, or <c>check</c> says why not: every input
/// it accepts builds (see <see cref="GeneratedCSharp"/>: every warning an error) against the real
/// runtime and the stub, whatever names the C# compiler treats specially are used; and what cannot
/// compile (a fetch reference that means a member of the generated class, two files generating
/// the same class, a class named like what the generated code needs) is a diagnostic.
/// </summary>
public sealed class AcceptedFilesCompileTests
{
    private const string Key = "expirable key < fetch global::KeyVault.ApiKey >\n";

    public static IEnumerable<TestCaseData> AcceptedInputs()
    {
        var inputs = TestData.ValidInputs()
            .Concat(TestData.Files("Diagnostics", "*.expirables"))
            .Distinct(StringComparer.Ordinal)
            .Where(f => !ExpirablesCompiler.Check(SourceFile.Load(f), SamplesOptions(f)).Any(d => d.IsError));
        foreach (var file in inputs)
        {
            foreach (var realRuntime in new[] { true, false })
            {
                yield return new TestCaseData(file, realRuntime).SetArgDisplayNames(Path.GetRelativePath(Repository.Root, file), realRuntime ? "real runtime" : "stub");
            }
        }
    }

    [TestCaseSource(nameof(AcceptedInputs))]
    public void Every_accepted_input_of_the_tests_and_samples_compiles(string path, bool realRuntime)
    {
        var result = ExpirablesCompiler.Compile(SourceFile.Load(path, Path.GetFileName(path)), SamplesOptions(path));
        Assert.That(result.GeneratedCode, Is.Not.Null, string.Join("\n", result.Diagnostics));

        var diagnostics = GeneratedCSharp.Build(new[] { GeneratedCSharp.Parse(result.GeneratedCode!, result.OutputFileName) }, realRuntime, withFetchers: path.Contains("Golden", StringComparison.Ordinal));

        Assert.That(GeneratedCSharp.GeneratorProblems(diagnostics), Is.Empty, () => GeneratedCSharp.Describe(diagnostics));
    }

    // The check above must not be one that cannot fail: it tells the generator's mistakes from the user's.
    [TestCase("fetch S.@class", "fetch S.class", true)]
    [TestCase("class Tokens ", "class tokens ", true)]
    [TestCase("Definitions[0]", "Definitions[9]", false)]
    [TestCase("\"Acme.Tokens\"", "Acme.Tokens", true)]
    public void The_build_check_tells_the_generators_mistakes_from_names_the_test_does_not_define(string generated, string broken, bool isGeneratorMistake)
    {
        var code = ExpirablesCompiler.Compile(new SourceFile("Tokens.expirables", "namespace Acme\nexpirable key < fetch S.class >\n"), new CompilerOptions { LineDirectivePath = "Tokens.expirables" }).GeneratedCode!;
        Assert.That(GeneratedCSharp.GeneratorProblems(GeneratedCSharp.Build(code, realRuntime: true)), Is.Empty, "as generated, only the fetch method is missing");

        var mutated = code.Replace(generated.Replace("fetch ", string.Empty, StringComparison.Ordinal), broken.Replace("fetch ", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.That(mutated, Is.Not.EqualTo(code));

        var problems = GeneratedCSharp.GeneratorProblems(GeneratedCSharp.Build(mutated, realRuntime: true));
        Assert.That(problems.Count > 0, Is.EqualTo(isGeneratorMistake), () => GeneratedCSharp.Describe(problems));
    }

    // Contextual keywords, names C# may make keywords (CS8981: all lower-case ASCII), and the
    // undocumented '__' keywords, as a class name: each must be escaped to compile.
    [TestCase("file")]
    [TestCase("required")]
    [TestCase("scoped")]
    [TestCase("record")]
    [TestCase("var")]
    [TestCase("dynamic")]
    [TestCase("async")]
    [TestCase("nameof")]
    [TestCase("field")]
    [TestCase("global")]
    [TestCase("tokens")]
    [TestCase("__arglist")]
    [TestCase("__makeref")]
    [TestCase("__reftype")]
    [TestCase("__refvalue")]
    [TestCase("@class")]
    public void A_module_named_like_something_CSharp_reserves_compiles(string module) =>
        AssertAcceptedAndCompiles("namespace Odd.Names\nmodule " + module + "\n" + Key);

    [TestCase("namespace Acme.__makeref\n")]
    [TestCase("namespace __arglist.Things\n")]
    [TestCase("namespace Acme.file.scoped.@class\n")]
    public void A_namespace_with_parts_CSharp_reserves_compiles(string header) =>
        AssertAcceptedAndCompiles(header + Key);

    [Test]
    public void A_module_and_namespace_in_the_global_namespace_named_global_compile() =>
        AssertAcceptedAndCompiles("module global\n" + Key);

    // A fetch reference is resolved inside the generated class's constructor: a first name that is
    // one of its members (or the constructor's parameter) means that, never the class a user meant.
    [TestCase("expirable a < fetch Runtime.Load >", "Runtime")]
    [TestCase("expirable a < fetch runtime.Load >", "runtime")]
    [TestCase("expirable a < fetch Definitions.Load >", "Definitions")]
    [TestCase("expirable a < fetch Create.Load >", "Create")]
    [TestCase("expirable a < fetch ModuleName.Load >", "ModuleName")]
    [TestCase("expirable a < fetch ReferenceEquals.Load >", "ReferenceEquals")]
    [TestCase("expirable a < fetch GetAsync >", "GetAsync")]
    [TestCase("expirable config < fetch Config.Load >", "Config")]
    [TestCase("expirable a < fetch Rates.Load >\nexpirable rates < fetch S.L >", "Rates")]
    [TestCase("expirable a < fetch @runtime.Load >", "@runtime")]
    public void A_fetch_reference_that_would_mean_a_member_of_the_generated_class_is_EXP0109(string declarations, string first)
    {
        var text = "namespace Acme\n" + declarations + "\n";
        var diagnostics = ExpirablesCompiler.Check(new SourceFile("tokens.expirables", text));

        var diagnostic = diagnostics.Single();
        Assert.That(diagnostic.Code, Is.EqualTo("EXP0109"), diagnostic.ToString());
        Assert.That((diagnostic.Line, diagnostic.Column), Is.EqualTo((2, text.Split('\n')[1].IndexOf("fetch " + first, StringComparison.Ordinal) + 7)));
        Assert.That(diagnostic.Message, Does.Contain("global::"));
    }

    [TestCase("expirable a < fetch global::Runtime.Load >")]
    [TestCase("expirable a < fetch Rates.Runtime >")]
    [TestCase("expirable a < fetch Tokens.Load >")]
    public void A_fetch_reference_from_the_global_namespace_or_with_a_member_name_later_is_fine(string declaration) =>
        Assert.That(ExpirablesCompiler.Check(new SourceFile("tokens.expirables", "namespace Acme\n" + declaration + "\n")), Is.Empty);

    [TestCase("reference_equals", "ReferenceEquals")]
    [TestCase("get_type", "GetType")]
    [TestCase("create_keyed_stateful", "CreateKeyedStateful")]
    [TestCase("put_state_async", "PutStateAsync")]
    [TestCase("update_state_async", "UpdateStateAsync")]
    [TestCase("invalidate_async", "InvalidateAsync")]
    public void A_member_that_would_hide_an_inherited_one_is_EXP0103(string name, string member)
    {
        var diagnostic = ExpirablesCompiler.Check(new SourceFile("tokens.expirables", $"expirable {name} < fetch S.L >\n")).Single();

        Assert.That((diagnostic.Code, diagnostic.Message), Is.EqualTo(("EXP0103", $"expirable '{name}' becomes the C# member '{member}', which the generated class already has; choose another name")));
    }

    [Test]
    public void Every_member_the_generated_class_inherits_from_the_real_runtime_is_reserved()
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.FlattenHierarchy;
        var inherited = typeof(global::ExpirableStore.ExpirableModule).GetMembers(all)
            .Where(IsVisibleToADerivedClass)
            .Where(m => m is not ConstructorInfo && !(m is MethodInfo { IsSpecialName: true }))
            .Select(m => m.Name)
            .Distinct()
            .ToList();

        Assert.That(inherited, Is.Not.Empty);
        Assert.That(inherited.Where(n => !Naming.ReservedMemberNames.Contains(n)), Is.Empty, "a property of one of these names would hide the inherited member (CS0108)");
    }

    [TestCase("dir/odd\u2028name.expirables")]
    [TestCase("dir/odd\u2029name.expirables")]
    [TestCase("dir/odd\u0085name.expirables")]
    [TestCase("dir/odd\rname.expirables")]
    [TestCase("dir/odd\u0001name.expirables")]
    [TestCase("dir/odd\uD800name.expirables")]
    [TestCase("dir/odd\"name.expirables")]
    [TestCase("dir/odd<&>name.expirables")]
    public void A_path_or_file_name_with_line_separators_or_odd_characters_compiles(string path)
    {
        var source = new SourceFile(path, "namespace Odd\n" + Key);
        var result = ExpirablesCompiler.Compile(source);

        Assert.That(result.Diagnostics, Is.Empty);
        var diagnostics = GeneratedCSharp.Build(new[] { GeneratedCSharp.Parse(result.GeneratedCode!, "odd.g.cs") }, realRuntime: true);
        Assert.That(diagnostics, Is.Empty, () => GeneratedCSharp.Describe(diagnostics));
    }

    [Test]
    public void Two_files_that_generate_the_same_class_are_EXP0107_at_the_second()
    {
        var first = new SourceFile("a/Tokens.expirables", "namespace Acme\n" + Key);
        var second = new SourceFile("b/Tokens.expirables", "namespace Acme\nmodule Tokens\n" + Key);

        var diagnostics = ExpirablesCompiler.Check(new[] { new CompilationInput(first), new CompilationInput(second) });

        var diagnostic = diagnostics.Single();
        Assert.That((diagnostic.Code, diagnostic.FilePath, diagnostic.Line, diagnostic.Column), Is.EqualTo(("EXP0107", "b/Tokens.expirables", 2, 8)));
        Assert.That(diagnostic.Message, Does.Contain("'Acme.Tokens'").And.Contain("a/Tokens.expirables"));
    }

    [TestCase("namespace Acme\nmodule Auth\n", "namespace Acme.Auth\n")]
    [TestCase("module Acme\n", "namespace Acme.Auth.Internal\n")]
    [TestCase("namespace Acme\nmodule Vendors\n", "namespace Other\nopen Acme.Vendors\n")]
    public void A_class_named_like_a_namespace_another_file_declares_or_opens_is_EXP0107(string classFile, string namespaceFile)
    {
        var inputs = new[]
        {
            new CompilationInput(new SourceFile("one.expirables", namespaceFile + Key)),
            new CompilationInput(new SourceFile("two.expirables", classFile + Key)),
        };

        var diagnostics = ExpirablesCompiler.Check(inputs);

        Assert.That(diagnostics.Select(d => (d.Code, d.FilePath)), Is.EqualTo(new[] { ("EXP0107", "two.expirables") }), string.Join("\n", diagnostics));
        var compiled = ExpirablesCompiler.Compile(inputs);
        Assert.That(compiled.Select(r => r.GeneratedCode is null), Is.EqualTo(new[] { false, true }), "the file in error gets no code");
    }

    [Test]
    public void A_file_that_opens_its_own_class_is_EXP0107() =>
        Assert.That(ExpirablesCompiler.Check(new SourceFile("tokens.expirables", "namespace Acme\nmodule Vendors\nopen Acme.Vendors\n" + Key)).Select(d => d.Code), Is.EqualTo(new[] { "EXP0107" }));

    [TestCase("module System\n", 1, 8)]
    [TestCase("namespace System\nmodule Threading\n", 2, 8)]
    [TestCase("namespace System.Threading\nmodule Tasks\n", 2, 8)]
    [TestCase("namespace System\nmodule TimeSpan\n", 2, 8)]
    [TestCase("namespace System.CodeDom.Compiler\nmodule GeneratedCodeAttribute\n", 2, 8)]
    [TestCase("module ExpirableStore\n", 1, 8)]
    [TestCase("namespace ExpirableStore\nmodule Fetcher\n", 1, 11)]
    [TestCase("namespace ExpirableStore\nmodule Tokens\n", 1, 11)]
    public void A_class_whose_full_name_the_generated_code_needs_is_EXP0108(string headers, int line, int column)
    {
        var text = headers + Key;
        var diagnostic = ExpirablesCompiler.Check(new SourceFile("tokens.expirables", text)).Single();

        Assert.That((diagnostic.Code, diagnostic.Line, diagnostic.Column), Is.EqualTo(("EXP0108", line, column)), diagnostic.ToString());
    }

    [TestCase("namespace System\nmodule Clock\n")]
    [TestCase("namespace ExpirableStore.Samples\nmodule Tokens\n")]
    [TestCase("namespace Acme.System\nmodule Threading\n")]
    public void A_class_beside_those_names_compiles(string headers) => AssertAcceptedAndCompiles(headers + Key);

    private static void AssertAcceptedAndCompiles(string text)
    {
        var result = ExpirablesCompiler.Compile(new SourceFile("case.expirables", text), new CompilerOptions { LineDirectivePath = "case.expirables" });
        Assert.That(result.Diagnostics, Is.Empty, string.Join("\n", result.Diagnostics));

        foreach (var realRuntime in new[] { true, false })
        {
            var diagnostics = GeneratedCSharp.Build(new[] { GeneratedCSharp.Parse(result.GeneratedCode!, "case.g.cs") }, realRuntime);
            Assert.That(diagnostics, Is.Empty, () => GeneratedCSharp.Describe(diagnostics));
        }
    }

    private static CompilerOptions SamplesOptions(string path) => new()
    {
        DefaultNamespace = System.Text.RegularExpressions.Regex.Match(File.ReadAllText(path), @"test-namespace: (\w+)") is { Success: true } m ? m.Groups[1].Value : "Samples",
        LineDirectivePath = Path.GetFileName(path),
    };

    private static bool IsVisibleToADerivedClass(MemberInfo member) => member switch
    {
        MethodBase m => m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly,
        PropertyInfo p => (p.GetMethod ?? p.SetMethod) is { } accessor && IsVisibleToADerivedClass(accessor),
        FieldInfo f => f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly,
        EventInfo e => e.AddMethod is { } add && IsVisibleToADerivedClass(add),
        Type t => t.IsNestedPublic || t.IsNestedFamily || t.IsNestedFamORAssem,
        _ => false,
    };
}
