using System.Diagnostics.CodeAnalysis;

// The state type parameter is S in every public signature, as the language's documentation and generated code
// name it (Fetched<T, S>, StatefulExpirable<T, S>), beside T for the value and TKey for the key.
[assembly: SuppressMessage("Naming", "CA1715:Identifiers should have correct prefix", Justification = "S: the documented name of the state type parameter", Scope = "namespaceanddescendants", Target = "~N:ExpirableStore")]
