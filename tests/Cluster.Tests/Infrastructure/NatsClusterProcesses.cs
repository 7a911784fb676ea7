using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using ExpirableStore.Tests.Support;
using NUnit.Framework;

namespace ExpirableStore.Cluster.Tests.Infrastructure;

/// <summary>
/// A 3-server JetStream cluster on loopback: fixed free ports, explicit routes, a server_name and a
/// config file per node. Readiness (a JetStream meta leader) is for the caller to await, typically by
/// creating its R3 bucket with retries.
/// </summary>
internal sealed class NatsClusterProcesses : IAsyncDisposable
{
    private readonly TempDirectory _root;

    private NatsClusterProcesses(TempDirectory root, IReadOnlyList<NatsServerProcess> servers)
    {
        _root = root;
        Servers = servers;
    }

    /// <summary>The directory of the servers' stores, one folder per server.</summary>
    public string Root => _root.Path;

    public IReadOnlyList<NatsServerProcess> Servers { get; }

    /// <summary>All client URLs, comma-separated (the client fails over between them).</summary>
    public string Urls => string.Join(",", Servers.Select(s => $"nats://127.0.0.1:{s.Port}"));

    public static async Task<NatsClusterProcesses> StartAsync(int size = 3)
    {
        // A port found free can be taken by someone else before the server binds it: retry with new ports.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryStartAsync(size).ConfigureAwait(false);
            }
            catch (InvalidOperationException ex) when (attempt < 3 && ex.Message.Contains("exited", StringComparison.Ordinal))
            {
                await TestContext.Out.WriteLineAsync($"cluster start attempt {attempt} failed, retrying with new ports: {ex.Message.Split('\n')[0]}").ConfigureAwait(false);
            }
        }
    }

    private static async Task<NatsClusterProcesses> TryStartAsync(int size)
    {
        var root = new TempDirectory("nats-cluster");
        var ports = NatsServerProcess.FreePorts(size * 2);
        var clientPorts = ports.Take(size).ToArray();
        var routePorts = ports.Skip(size).ToArray();
        var servers = new List<NatsServerProcess>();
        try
        {
            for (var i = 0; i < size; i++)
            {
                var name = $"n{i + 1}";
                var dir = root.PathOf(name);
                Directory.CreateDirectory(dir);
                var routes = string.Join(", ", Enumerable.Range(0, size).Where(j => j != i).Select(j => $"\"nats-route://127.0.0.1:{routePorts[j]}\""));
                var config = string.Create(CultureInfo.InvariantCulture, $$"""
                    server_name: {{name}}
                    listen: 127.0.0.1:{{clientPorts[i]}}
                    jetstream {
                      store_dir: "{{dir}}"
                    }
                    cluster {
                      name: expirables
                      listen: 127.0.0.1:{{routePorts[i]}}
                      routes: [{{routes}}]
                    }
                    """);
                var file = Path.Combine(dir, "server.conf");
                await File.WriteAllTextAsync(file, config).ConfigureAwait(false);
                servers.Add(await NatsServerProcess.StartWithConfigAsync(name, file, dir, clientPorts[i]).ConfigureAwait(false));
            }
        }
        catch
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync().ConfigureAwait(false);
            }

            root.Dispose();
            throw;
        }

        return new NatsClusterProcesses(root, servers);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in Servers)
        {
            await server.DisposeAsync().ConfigureAwait(false);
        }

        _root.Dispose();
    }
}
