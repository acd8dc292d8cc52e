using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Xml.Linq;

namespace UuLearning.Tests;

/// <summary>
/// PACKAGING TEST (slow, about a minute; runs the real <c>dotnet</c> CLI): packs UuLearning to a temporary folder, checks
/// the package's contents, then builds and runs a throwaway console app outside the repository that references the packed
/// package (plus libtorch-cpu-linux-x64) through a nuget.config naming that folder and nuget.org. The app runs a small
/// refinement, which needs TorchSharp's native library to load: on hosts with an old libstdc++ (Debian 12, Ubuntu 22.04)
/// that only works if the package's buildTransitive repair ran in the consumer's build.
/// </summary>
/// <remarks>
/// The package gets a unique prerelease version so that NuGet's global packages folder never serves a stale copy; that
/// folder entry is deleted afterwards. Packages the consumer needs besides UuLearning (TorchSharp, libtorch) come from the
/// global packages folder, already filled by the repository's own restore, so no download is needed.
/// </remarks>
[Trait("Category", "Slow")]
[Trait("Category", "Packaging")]
public sealed class PackageConsumerTests : IDisposable
{
    private readonly DotnetCli _scratch = new("uulearning-package");

    private string Root => _scratch.Root;

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task PackedPackage_ConsumedByConsoleApp_RunsRefinementAndHasReadmeLicenceDocsSymbols()
    {
        var repo = FindRepositoryRoot();
        var feed = Path.Combine(Root, "feed");
        var version = "0.0.0-consumer." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);

        // --no-build packs the library this test run was built with (same configuration), so the repository's build
        // outputs are not rebuilt under the throwaway version; only the package version differs.
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
        var pack = await RunDotnetAsync(repo, "pack", "src/UuLearning/UuLearning.csproj", "--no-build", "-c", configuration, "-o", feed, $"-p:Version={version}", "-nologo");
        Assert.True(pack.ExitCode == 0, "dotnet pack failed:\n" + pack.Output);

        var nupkg = Path.Combine(feed, $"UuLearning.{version}.nupkg");
        using (var archive = ZipFile.OpenRead(nupkg))
        {
            var entries = archive.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
            Assert.Contains("README.md", entries);
            Assert.Contains("lib/net10.0/UuLearning.dll", entries);
            Assert.Contains("lib/net10.0/UuLearning.xml", entries);
            Assert.Contains("buildTransitive/UuLearning.targets", entries);
            Assert.Contains("buildTransitive/RepairTorchSharpNative.cs", entries);
            var nuspecEntry = archive.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
            using var nuspecStream = nuspecEntry.Open();
            var nuspec = XDocument.Load(nuspecStream);
            XNamespace ns = nuspec.Root!.Name.Namespace;
            var metadata = nuspec.Root.Element(ns + "metadata")!;
            Assert.Equal("MIT", metadata.Element(ns + "license")?.Value);
            Assert.Equal("expression", metadata.Element(ns + "license")?.Attribute("type")?.Value);
            Assert.Equal("README.md", metadata.Element(ns + "readme")?.Value);
        }

        using (var symbols = ZipFile.OpenRead(Path.Combine(feed, $"UuLearning.{version}.snupkg")))
        {
            Assert.Contains(symbols.Entries, e => e.FullName == "lib/net10.0/UuLearning.pdb");
        }

        var app = Path.Combine(Root, "consumer");
        Directory.CreateDirectory(app);
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(app, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="UuLearning" Version="{version}" />
                <PackageReference Include="libtorch-cpu-linux-x64" Version="2.10.0" />
              </ItemGroup>
            </Project>
            """);
        // Two noisy Gaussian classes; 30 % of each class mislabeled. The refinement must beat the noisy labels.
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using UuLearning;

            var rng = new Random(3);
            int n = 400, dim = 8;
            var features = new List<ReadOnlyMemory<float>>();
            var gold = new List<bool>();
            var noisy = new List<PseudoLabel>();
            for (int i = 0; i < n; i++)
            {
                bool y = rng.NextDouble() < 0.5;
                var x = new float[dim];
                for (int j = 0; j < dim; j++)
                {
                    x[j] = (float)((y ? 1.0 : -1.0) + Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
                }
                features.Add(x);
                gold.Add(y);
                noisy.Add((rng.NextDouble() < 0.3 ? !y : y) ? PseudoLabel.Positive : PseudoLabel.Negative);
            }
            var refiner = new IterativeRefiner(options: new IterativeRefinerOptions { MaxRounds = 2, Trainer = new UuTrainerOptions { Epochs = 10 } });
            using var result = await refiner.RefineAsync(features, noisy, LabeledSample.DrawUniform(gold, 50, seed: 1));
            double Accuracy(IReadOnlyList<PseudoLabel> labels) => Enumerable.Range(0, n).Count(i => (labels[i] == PseudoLabel.Positive) == gold[i]) / (double)n;
            Console.WriteLine(FormattableString.Invariant($"noisy {Accuracy(noisy):0.000} refined {Accuracy(result.Labels):0.000}"));
            return Accuracy(result.Labels) > Accuracy(noisy) + 0.1 ? 0 : 3;
            """);

        try
        {
            var run = await RunDotnetAsync(app, "run", "-c", "Release", "-nologo");
            Assert.True(run.ExitCode == 0, $"the consumer app failed (exit {run.ExitCode}):\n{run.Output}");
            Assert.Matches(@"noisy 0\.\d{3} refined 0\.\d{3}", run.Output);
        }
        finally
        {
            var cached = Path.Combine(GlobalPackagesFolder(), "uulearning", version);
            if (Directory.Exists(cached))
            {
                Directory.Delete(cached, recursive: true);
            }
        }
    }

    [Fact]
    public async Task MiniLmAddOnPackage_Packed_HasReadmeNoticesLicenceDocsSymbols()
    {
        var repo = FindRepositoryRoot();
        var feed = Path.Combine(Root, "feed-minilm");
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
        var pack = await RunDotnetAsync(repo, "pack", "src/UuLearning.Embeddings.MiniLM/UuLearning.Embeddings.MiniLM.csproj", "--no-build", "-c", configuration, "-o", feed, "-nologo");
        Assert.True(pack.ExitCode == 0, "dotnet pack failed:\n" + pack.Output);

        var nupkg = Directory.GetFiles(feed, "UuLearning.Embeddings.MiniLM.*.nupkg").Single(f => !f.EndsWith(".snupkg", StringComparison.Ordinal));
        using (var archive = ZipFile.OpenRead(nupkg))
        {
            var entries = archive.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
            Assert.Contains("README.md", entries);
            Assert.Contains("THIRD-PARTY-NOTICES.md", entries);
            Assert.Contains("lib/net10.0/UuLearning.Embeddings.MiniLM.dll", entries);
            Assert.Contains("lib/net10.0/UuLearning.Embeddings.MiniLM.xml", entries);
            using var nuspecStream = archive.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
            var nuspec = XDocument.Load(nuspecStream);
            XNamespace ns = nuspec.Root!.Name.Namespace;
            var metadata = nuspec.Root.Element(ns + "metadata")!;
            Assert.Equal("MIT", metadata.Element(ns + "license")?.Value);
            Assert.Equal("README.md", metadata.Element(ns + "readme")?.Value);
            Assert.Contains(metadata.Descendants(ns + "dependency"), d => d.Attribute("id")?.Value == "UuLearning");
        }

        Assert.Single(Directory.GetFiles(feed, "UuLearning.Embeddings.MiniLM.*.snupkg"));
    }

    /// <summary>
    /// Packs the tool for linux-x64 the way a release does (RID-specific package plus the pointer package), into a
    /// separate artifacts folder so the repository's build outputs are untouched, installs it from that folder and runs
    /// <c>uulearning --help</c>. About 2 minutes on the 2-core CI machine (a Release build of three projects, then pack).
    /// </summary>
    [Fact]
    public async Task CliToolPackage_Linux64_InstalledFromLocalFolder_RunsHelp()
    {
        var repo = FindRepositoryRoot();
        var feed = Path.Combine(Root, "feed-cli");
        var toolPath = Path.Combine(Root, "tool");
        var version = "0.0.0-tool." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);

        var pack = await RunDotnetAsync(repo, "pack", "src/UuLearning.Cli/UuLearning.Cli.csproj", "-c", "Release", "-o", feed,
            "--artifacts-path", Path.Combine(Root, "artifacts"), $"-p:Version={version}", "-p:ToolPackageRuntimeIdentifiers=linux-x64", "-nologo");
        Assert.True(pack.ExitCode == 0, "dotnet pack failed:\n" + pack.Output);

        var pointer = Path.Combine(feed, $"UuLearning.Cli.{version}.nupkg");
        var linux = Path.Combine(feed, $"UuLearning.Cli.linux-x64.{version}.nupkg");
        Assert.True(File.Exists(pointer) && File.Exists(linux), "the pointer and linux-x64 packages were not both written:\n" + pack.Output);
        Assert.InRange(new FileInfo(linux).Length, 1, 250_000_000); // nuget.org's limit
        using (var archive = ZipFile.OpenRead(linux))
        {
            var names = archive.Entries.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
            Assert.Contains("libtorch_cpu.so", names);
            Assert.Contains("libLibTorchSharp.so", names);
            Assert.DoesNotContain("libtorch_python.so", names);
            // Only this platform's natives: no runtimes/ tree for other platforms, no macOS or Windows binaries.
            Assert.DoesNotContain(archive.Entries, e => e.FullName.Contains("/runtimes/", StringComparison.Ordinal)
                || e.Name.EndsWith(".dylib", StringComparison.Ordinal) || e.Name is "torch_cpu.dll" or "onnxruntime.dll" or "libSkiaSharp.dll");

            // The packed TorchSharp library loads on hosts without GLIBCXX_3.4.32 wherever the package was built.
            var entry = archive.Entries.Single(e => e.Name == "libLibTorchSharp.so");
            using var stream = new MemoryStream();
            using (var s = entry.Open())
            {
                await s.CopyToAsync(stream);
            }
            Assert.Equal("already repaired", TorchSharpElfPatcher.Patch(stream.ToArray()));
        }

        // A private packages folder keeps the 230 MB package out of the user's cache.
        var install = await RunDotnetAsync(Root, new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(Root, "packages") },
            "tool", "install", "UuLearning.Cli", "--tool-path", toolPath, "--add-source", feed, "--version", version);
        Assert.True(install.ExitCode == 0, "dotnet tool install failed:\n" + install.Output);

        var start = new ProcessStartInfo(Path.Combine(toolPath, "uulearning"), "--help")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var tool = Process.Start(start)!;
        var help = await tool.StandardOutput.ReadToEndAsync();
        await tool.WaitForExitAsync();
        Assert.Equal(0, tool.ExitCode);
        Assert.Contains("refine", help, StringComparison.Ordinal);
        Assert.Contains("annotate", help, StringComparison.Ordinal);
    }

    private static string GlobalPackagesFolder() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } custom
            ? custom
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    private static string FindRepositoryRoot() => DotnetCli.FindRepositoryRoot();

    private static Task<(int ExitCode, string Output)> RunDotnetAsync(string workingDirectory, params string[] arguments) =>
        DotnetCli.RunAsync(workingDirectory, arguments);

    private static Task<(int ExitCode, string Output)> RunDotnetAsync(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        DotnetCli.RunAsync(workingDirectory, environment, arguments);
}
