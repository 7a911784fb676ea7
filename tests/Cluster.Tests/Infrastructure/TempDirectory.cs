using System;
using System.IO;
using System.Threading.Tasks;

namespace ExpirableStore.Cluster.Tests.Infrastructure;

/// <summary>Deletes a test's scratch directory when the test ends.</summary>
internal sealed class TempDirectory(string path) : IAsyncDisposable
{
    public string Path { get; } = path;

    public ValueTask DisposeAsync()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return ValueTask.CompletedTask;
    }
}
