System.Console.WriteLine("Quickstart: coming with the build-integration issue.");
