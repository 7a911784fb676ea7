using System;
using System.IO;

namespace ExpirableStore.Cli;

internal static class Program
{
    private static int Main(string[] args) =>
        ExpirablesCli.Run(args, Console.OpenStandardInput(), Console.Out, Console.Error, Directory.GetCurrentDirectory());
}
