// Hand-written in exactly the shape the compiler generates (docs/generated-code-contract.md), so that
// these tests call the runtime the way a user's generated class does.
#nullable enable
#pragma warning disable CS1591

using global::System;
using global::System.Collections.Generic;
using global::System.Threading.Tasks;
using global::ExpirableStore.Runtime.Tests.Support;

namespace ExpirableStore.Runtime.Tests
{
    [global::System.CodeDom.Compiler.GeneratedCode("expirablesc", "0.1.0")]
    public sealed partial class TestExpirables : global::ExpirableStore.ExpirableModule
    {
        public static global::System.Collections.Generic.IReadOnlyList<global::ExpirableStore.ExpirableDefinition> Definitions { get; } =
            new global::ExpirableStore.ExpirableDefinition[]
            {
                new global::ExpirableStore.ExpirableDefinition(
                    name: "local_lazy", memberName: "LocalLazy", valueType: "string",
                    scope: global::ExpirableStore.ExpirableScope.Local,
                    refresh: global::ExpirableStore.RefreshMode.Lazy,
                    eagerBefore: null, timeout: null,
                    sourceFile: "Test.expirables", line: 1),
                new global::ExpirableStore.ExpirableDefinition(
                    name: "local_eager", memberName: "LocalEager", valueType: "string",
                    scope: global::ExpirableStore.ExpirableScope.Local,
                    refresh: global::ExpirableStore.RefreshMode.Eager,
                    eagerBefore: global::System.TimeSpan.FromMilliseconds(30000), timeout: null,
                    sourceFile: "Test.expirables", line: 2),
                new global::ExpirableStore.ExpirableDefinition(
                    name: "cluster_lazy", memberName: "ClusterLazy", valueType: "string",
                    scope: global::ExpirableStore.ExpirableScope.Cluster,
                    refresh: global::ExpirableStore.RefreshMode.Lazy,
                    eagerBefore: null, timeout: null,
                    sourceFile: "Test.expirables", line: 3),
                new global::ExpirableStore.ExpirableDefinition(
                    name: "cluster_eager", memberName: "ClusterEager", valueType: "string",
                    scope: global::ExpirableStore.ExpirableScope.Cluster,
                    refresh: global::ExpirableStore.RefreshMode.Eager,
                    eagerBefore: global::System.TimeSpan.FromMilliseconds(30000), timeout: null,
                    sourceFile: "Test.expirables", line: 4),
                new global::ExpirableStore.ExpirableDefinition(
                    name: "with_timeout", memberName: "WithTimeout", valueType: "string",
                    scope: global::ExpirableStore.ExpirableScope.Local,
                    refresh: global::ExpirableStore.RefreshMode.Lazy,
                    eagerBefore: null, timeout: global::System.TimeSpan.FromMilliseconds(5000),
                    sourceFile: "Test.expirables", line: 5),
                new global::ExpirableStore.ExpirableDefinition(
                    name: "fx_rate", memberName: "FxRate", valueType: "decimal",
                    scope: global::ExpirableStore.ExpirableScope.Local,
                    refresh: global::ExpirableStore.RefreshMode.Lazy,
                    eagerBefore: null, timeout: null,
                    sourceFile: "Test.expirables", line: 6),
            };

        public TestExpirables(global::ExpirableStore.ExpirableRuntime runtime)
            : base(runtime, "ExpirableStore.Runtime.Tests.TestExpirables", Definitions)
        {
            this.LocalLazy = this.Create<string>(Definitions[0], global::ExpirableStore.Fetcher.For<string>(
                TestSources.LocalLazy
            ));
            this.LocalEager = this.Create<string>(Definitions[1], global::ExpirableStore.Fetcher.For<string>(
                TestSources.LocalEager
            ));
            this.ClusterLazy = this.Create<string>(Definitions[2], global::ExpirableStore.Fetcher.For<string>(
                TestSources.ClusterLazy
            ));
            this.ClusterEager = this.Create<string>(Definitions[3], global::ExpirableStore.Fetcher.For<string>(
                TestSources.ClusterEager
            ));
            this.WithTimeout = this.Create<string>(Definitions[4], global::ExpirableStore.Fetcher.For<string>(
                TestSources.WithTimeout
            ));
            this.FxRate = this.Create<decimal>(Definitions[5], global::ExpirableStore.Fetcher.For<decimal>(
                TestSources.FxRate
            ));
        }

        public global::ExpirableStore.Expirable<string> LocalLazy { get; }

        public global::ExpirableStore.Expirable<string> LocalEager { get; }

        public global::ExpirableStore.Expirable<string> ClusterLazy { get; }

        public global::ExpirableStore.Expirable<string> ClusterEager { get; }

        public global::ExpirableStore.Expirable<string> WithTimeout { get; }

        public global::ExpirableStore.Expirable<decimal> FxRate { get; }
    }

    [global::System.CodeDom.Compiler.GeneratedCode("expirablesc", "0.1.0")]
    public sealed partial class Shapes : global::ExpirableStore.ExpirableModule
    {
        public static global::System.Collections.Generic.IReadOnlyList<global::ExpirableStore.ExpirableDefinition> Definitions { get; } =
            new global::ExpirableStore.ExpirableDefinition[]
            {
                Def("sync", 1), Def("task", 2), Def("value_task", 3),
                Def("sync_ct", 4), Def("task_ct", 5), Def("value_task_ct", 6),
                Def("sync_sp", 7), Def("task_sp", 8), Def("value_task_sp", 9),
            };

        public Shapes(global::ExpirableStore.ExpirableRuntime runtime)
            : base(runtime, "Shapes", Definitions)
        {
            this.Sync = this.Create<string>(Definitions[0], global::ExpirableStore.Fetcher.For<string>(ShapeSources.Sync));
            this.Task = this.Create<string>(Definitions[1], global::ExpirableStore.Fetcher.For<string>(ShapeSources.TaskShape));
            this.ValueTask = this.Create<string>(Definitions[2], global::ExpirableStore.Fetcher.For<string>(ShapeSources.ValueTaskShape));
            this.SyncCt = this.Create<string>(Definitions[3], global::ExpirableStore.Fetcher.For<string>(ShapeSources.SyncCt));
            this.TaskCt = this.Create<string>(Definitions[4], global::ExpirableStore.Fetcher.For<string>(ShapeSources.TaskCt));
            this.ValueTaskCt = this.Create<string>(Definitions[5], global::ExpirableStore.Fetcher.For<string>(ShapeSources.ValueTaskCt));
            this.SyncSp = this.Create<string>(Definitions[6], global::ExpirableStore.Fetcher.For<string>(ShapeSources.SyncSp));
            this.TaskSp = this.Create<string>(Definitions[7], global::ExpirableStore.Fetcher.For<string>(ShapeSources.TaskSp));
            this.ValueTaskSp = this.Create<string>(Definitions[8], global::ExpirableStore.Fetcher.For<string>(ShapeSources.ValueTaskSp));
        }

        public global::ExpirableStore.Expirable<string> Sync { get; }

        public global::ExpirableStore.Expirable<string> Task { get; }

        public global::ExpirableStore.Expirable<string> ValueTask { get; }

        public global::ExpirableStore.Expirable<string> SyncCt { get; }

        public global::ExpirableStore.Expirable<string> TaskCt { get; }

        public global::ExpirableStore.Expirable<string> ValueTaskCt { get; }

        public global::ExpirableStore.Expirable<string> SyncSp { get; }

        public global::ExpirableStore.Expirable<string> TaskSp { get; }

        public global::ExpirableStore.Expirable<string> ValueTaskSp { get; }

        private static global::ExpirableStore.ExpirableDefinition Def(string name, int line) =>
            new global::ExpirableStore.ExpirableDefinition(
                name: name, memberName: name, valueType: "string",
                scope: global::ExpirableStore.ExpirableScope.Local,
                refresh: global::ExpirableStore.RefreshMode.Lazy,
                eagerBefore: null, timeout: null,
                sourceFile: "Shapes.expirables", line: line);
    }
}
