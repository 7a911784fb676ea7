// Hand-written in the shape the compiler generates (docs/generated-code-contract.md), plus a
// constructor parameter for the shared upstream that every node's fetch methods call.
#nullable enable
#pragma warning disable CS1591

using global::System;
using global::System.Collections.Generic;
using global::System.Threading;
using global::System.Threading.Tasks;

namespace ExpirableStore.Cluster.Tests.Nodes
{
    [global::System.CodeDom.Compiler.GeneratedCode("expirablesc", "0.1.0")]
    public sealed partial class NodeExpirables : global::ExpirableStore.ExpirableModule
    {
        public static global::System.Collections.Generic.IReadOnlyList<global::ExpirableStore.ExpirableDefinition> Definitions { get; } =
            new global::ExpirableStore.ExpirableDefinition[]
            {
                new global::ExpirableStore.ExpirableDefinition(
                    name: "token", memberName: "Token", valueType: "string",
                    scope: global::ExpirableStore.ExpirableScope.Cluster,
                    refresh: global::ExpirableStore.RefreshMode.Lazy,
                    eagerBefore: null, timeout: null,
                    sourceFile: "Nodes.expirables", line: 1),
                new global::ExpirableStore.ExpirableDefinition(
                    name: "eager_token", memberName: "EagerToken", valueType: "string",
                    scope: global::ExpirableStore.ExpirableScope.Cluster,
                    refresh: global::ExpirableStore.RefreshMode.Eager,
                    eagerBefore: global::System.TimeSpan.FromMilliseconds(30000), timeout: null,
                    sourceFile: "Nodes.expirables", line: 2),
                new global::ExpirableStore.ExpirableDefinition(
                    name: "local_token", memberName: "LocalToken", valueType: "string",
                    scope: global::ExpirableStore.ExpirableScope.Local,
                    refresh: global::ExpirableStore.RefreshMode.Lazy,
                    eagerBefore: null, timeout: null,
                    sourceFile: "Nodes.expirables", line: 3),
                new global::ExpirableStore.ExpirableDefinition(
                    name: "fx_rate", memberName: "FxRate", valueType: "decimal",
                    scope: global::ExpirableStore.ExpirableScope.Cluster,
                    refresh: global::ExpirableStore.RefreshMode.Lazy,
                    eagerBefore: null, timeout: null,
                    sourceFile: "Nodes.expirables", line: 4),
                new global::ExpirableStore.ExpirableDefinition(
                    name: "slow_token", memberName: "SlowToken", valueType: "string",
                    scope: global::ExpirableStore.ExpirableScope.Cluster,
                    refresh: global::ExpirableStore.RefreshMode.Lazy,
                    eagerBefore: null, timeout: global::System.TimeSpan.FromMilliseconds(500),
                    sourceFile: "Nodes.expirables", line: 5),
            };

        public NodeExpirables(global::ExpirableStore.ExpirableRuntime runtime, global::ExpirableStore.Cluster.Tests.Nodes.Upstream upstream)
            : base(runtime, "ExpirableStore.Cluster.Tests.Nodes.NodeExpirables", Definitions)
        {
            this.Token = this.Create<string>(Definitions[0], global::ExpirableStore.Fetcher.For<string>(
                (global::System.Threading.CancellationToken ct) => upstream.FetchAsync("token", ct)
            ));
            this.EagerToken = this.Create<string>(Definitions[1], global::ExpirableStore.Fetcher.For<string>(
                (global::System.Threading.CancellationToken ct) => upstream.FetchAsync("eager_token", ct)
            ));
            this.LocalToken = this.Create<string>(Definitions[2], global::ExpirableStore.Fetcher.For<string>(
                (global::System.Threading.CancellationToken ct) => upstream.FetchAsync("local_token", ct)
            ));
            this.FxRate = this.Create<decimal>(Definitions[3], global::ExpirableStore.Fetcher.For<decimal>(
                (global::System.Threading.CancellationToken ct) => upstream.FetchRateAsync(ct)
            ));
            this.SlowToken = this.Create<string>(Definitions[4], global::ExpirableStore.Fetcher.For<string>(
                (global::System.Threading.CancellationToken ct) => upstream.FetchAsync("slow_token", ct)
            ));
        }

        public global::ExpirableStore.Expirable<string> Token { get; }

        public global::ExpirableStore.Expirable<string> EagerToken { get; }

        public global::ExpirableStore.Expirable<string> LocalToken { get; }

        public global::ExpirableStore.Expirable<decimal> FxRate { get; }

        public global::ExpirableStore.Expirable<string> SlowToken { get; }
    }
}
