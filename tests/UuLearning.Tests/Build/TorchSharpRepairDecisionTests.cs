using System.Text;

namespace UuLearning.Tests.Build;

/// <summary>
/// When the TorchSharp native repair runs: <see cref="LibStdCxxProbe"/> reads the versions a libstdc++ defines, and
/// <see cref="TorchSharpRepairDecision"/> turns them and the MSBuild switch into a decision. Fake libstdc++ images (a
/// minimal ELF64 file whose only content is a version-definition section) stand for hosts with and without GLIBCXX_3.4.32.
/// </summary>
public sealed class TorchSharpRepairDecisionTests : IDisposable
{
    private readonly DotnetCli _scratch = new("uulearning-repair");

    private string Dir => _scratch.Root;

    public void Dispose() => _scratch.Dispose();

    private static string OriginalTorchSharp => Path.Combine(AppContext.BaseDirectory, "Fixtures", "libLibTorchSharp.original.so");

    private string FakeLibStdCxx(string name, params string[] versions)
    {
        var path = Path.Combine(Dir, name);
        File.WriteAllBytes(path, FakeElf.WithVersionDefinitions(versions));
        return path;
    }

    [Fact]
    public void DefinedVersions_FakeLibrary_ReadsEveryVersionDefinition()
    {
        var path = FakeLibStdCxx("a.so.6", "libstdc++.so.6", "GLIBCXX_3.4", "GLIBCXX_3.4.30", "CXXABI_1.3");

        Assert.Equal(["CXXABI_1.3", "GLIBCXX_3.4", "GLIBCXX_3.4.30", "libstdc++.so.6"], LibStdCxxProbe.DefinedVersions(path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void DefinedVersions_NameOnlyInStringsNotDefined_IsNotCounted()
    {
        // A file that merely mentions GLIBCXX_3.4.32 (as a version need or any string) does not define it.
        var bytes = FakeElf.WithVersionDefinitions(["GLIBCXX_3.4.30"]).Concat(Encoding.ASCII.GetBytes("GLIBCXX_3.4.32\0")).ToArray();

        Assert.DoesNotContain("GLIBCXX_3.4.32", LibStdCxxProbe.DefinedVersions(bytes));
    }

    [Fact]
    public void DefinedVersions_NoVersionSection_Throws()
    {
        var ex = Assert.Throws<InvalidDataException>(() => LibStdCxxProbe.DefinedVersions(File.ReadAllBytes(OriginalTorchSharp)));
        Assert.Contains(".gnu.version_d", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_AutoOnHostWithVersion_DoesNotRun()
    {
        var decision = TorchSharpRepairDecision.Decide("auto", FakeLibStdCxx("new.so.6", "GLIBCXX_3.4.30", "GLIBCXX_3.4.32", "GLIBCXX_3.4.33"));

        Assert.False(decision.Run);
        Assert.Contains("defines GLIBCXX_3.4.32", decision.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("auto")]
    [InlineData("true")]
    [InlineData("")]
    public void Decide_AutoOnHostWithoutVersion_RunsAndNamesTheNewestVersion(string mode)
    {
        var decision = TorchSharpRepairDecision.Decide(mode, FakeLibStdCxx("old.so.6", "GLIBCXX_3.4.9", "GLIBCXX_3.4.30", "GLIBCXX_3.4.29", "CXXABI_1.3.13"));

        Assert.True(decision.Run);
        Assert.Contains("lacks GLIBCXX_3.4.32 (newest: GLIBCXX_3.4.30)", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_SwitchedOff_DoesNotRunEvenWhereNeeded()
    {
        Assert.False(TorchSharpRepairDecision.Decide("false", FakeLibStdCxx("old.so.6", "GLIBCXX_3.4.30")).Run);
    }

    [Fact]
    public void Decide_Always_RunsEvenWhereNotNeeded()
    {
        Assert.True(TorchSharpRepairDecision.Decide("always", FakeLibStdCxx("new.so.6", "GLIBCXX_3.4.32")).Run);
    }

    [Fact]
    public void Decide_UnknownMode_ThrowsNamingTheValues()
    {
        var ex = Assert.Throws<ArgumentException>(() => TorchSharpRepairDecision.Decide("sometimes", ""));
        Assert.Contains("auto, always or false", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// End to end through MSBuild (the targets file the package ships, run by <c>dotnet msbuild</c> on a project that
    /// only imports it): the output's libLibTorchSharp.so is repaired, with one announcement, exactly when the checked
    /// libstdc++ lacks GLIBCXX_3.4.32; left byte for byte alone otherwise and when switched off.
    /// </summary>
    [Theory]
    [Trait("Category", "Slow")]
    [InlineData("without", "auto", true)]
    [InlineData("with", "auto", false)]
    [InlineData("without", "false", false)]
    public async Task Targets_RepairOnlyWhereTheHostLacksTheVersion(string host, string mode, bool repaired)
    {
        Assert.True(OperatingSystem.IsLinux() && System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.X64,
            "the targets run the repair on Linux x64 hosts only; this test needs one");
        var libStdCxx = host == "with"
            ? FakeLibStdCxx("with.so.6", "GLIBCXX_3.4.30", "GLIBCXX_3.4.32")
            : FakeLibStdCxx("without.so.6", "GLIBCXX_3.4.29", "GLIBCXX_3.4.30");
        var outDir = Path.Combine(Dir, "out") + Path.DirectorySeparatorChar;
        Directory.CreateDirectory(Path.Combine(outDir, "runtimes", "linux-x64", "native"));
        var lib = Path.Combine(outDir, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        File.Copy(OriginalTorchSharp, lib);
        var project = Path.Combine(Dir, "repair.proj");
        File.WriteAllText(project, $"""
            <Project>
              <Import Project="{Path.Combine(DotnetCli.FindRepositoryRoot(), "src", "UuLearning", "buildTransitive", "UuLearning.targets")}" />
              <Target Name="Build" />
            </Project>
            """);

        var (exitCode, output) = await DotnetCli.RunAsync(Dir, "msbuild", project, "-t:Build", "-nologo", "-v:m",
            $"-p:OutDir={outDir}", $"-p:UuLearningHostLibStdCxx={libStdCxx}", $"-p:UuLearningRepairTorchSharpNative={mode}");

        Assert.True(exitCode == 0, output);
        Assert.Equal(repaired, !File.ReadAllBytes(lib).AsSpan().SequenceEqual(File.ReadAllBytes(OriginalTorchSharp)));
        int announcements = CountOf(output, "UuLearning: " + libStdCxx + " lacks GLIBCXX_3.4.32");
        Assert.Equal(repaired ? 1 : 0, announcements);
        if (repaired)
        {
            Assert.Equal("already repaired", TorchSharpElfPatcher.Patch(File.ReadAllBytes(lib)));
        }
    }

    private static int CountOf(string text, string value)
    {
        int count = 0;
        for (int at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }

    /// <summary>Builds a minimal ELF64 little-endian image: a string table and a version-definition section.</summary>
    private static class FakeElf
    {
        public static byte[] WithVersionDefinitions(IReadOnlyList<string> versions)
        {
            var strtab = new List<byte> { 0 };
            var nameOffsets = new List<int>();
            foreach (var v in versions)
            {
                nameOffsets.Add(strtab.Count);
                strtab.AddRange(Encoding.ASCII.GetBytes(v));
                strtab.Add(0);
            }

            const int header = 64, verdefEntry = 20, verdaux = 8;
            int strtabOffset = header;
            int verdefOffset = Align(strtabOffset + strtab.Count, 8);
            int verdefSize = versions.Count * (verdefEntry + verdaux);
            int shoff = Align(verdefOffset + verdefSize, 8);
            var b = new byte[shoff + 3 * 64];

            b[0] = 0x7f; b[1] = (byte)'E'; b[2] = (byte)'L'; b[3] = (byte)'F';
            b[4] = 2; b[5] = 1; b[6] = 1;              // ELFCLASS64, little-endian, version 1
            W16(b, 0x10, 3); W16(b, 0x12, 62);         // ET_DYN, EM_X86_64
            W64(b, 0x28, (ulong)shoff);
            W16(b, 0x34, header); W16(b, 0x3A, 64); W16(b, 0x3C, 3);

            strtab.CopyTo(b, strtabOffset);
            for (int i = 0; i < versions.Count; i++)
            {
                int e = verdefOffset + i * (verdefEntry + verdaux);
                W16(b, e, 1);                          // vd_version
                W16(b, e + 4, (ushort)(i + 1));        // vd_ndx
                W16(b, e + 6, 1);                      // vd_cnt
                W32(b, e + 8, TorchSharpElfPatcher.ElfHash(versions[i]));
                W32(b, e + 12, verdefEntry);           // vd_aux
                W32(b, e + 16, i == versions.Count - 1 ? 0u : verdefEntry + verdaux); // vd_next
                W32(b, e + verdefEntry, (uint)nameOffsets[i]); // vda_name
            }

            // Section headers: [0] null, [1] .dynstr (SHT_STRTAB), [2] .gnu.version_d (SHT_GNU_verdef, link 1, info = count).
            Section(b, shoff + 64, type: 3, offset: strtabOffset, size: strtab.Count, link: 0, info: 0);
            Section(b, shoff + 128, type: 0x6ffffffd, offset: verdefOffset, size: verdefSize, link: 1, info: (uint)versions.Count);
            return b;
        }

        private static void Section(byte[] b, int at, uint type, int offset, int size, uint link, uint info)
        {
            W32(b, at + 4, type);
            W64(b, at + 24, (ulong)offset);
            W64(b, at + 32, (ulong)size);
            W32(b, at + 40, link);
            W32(b, at + 44, info);
        }

        private static int Align(int value, int to) => (value + to - 1) / to * to;

        private static void W16(byte[] b, int o, ushort v) => BitConverter.TryWriteBytes(b.AsSpan(o), v);

        private static void W32(byte[] b, int o, uint v) => BitConverter.TryWriteBytes(b.AsSpan(o), v);

        private static void W64(byte[] b, int o, ulong v) => BitConverter.TryWriteBytes(b.AsSpan(o), v);
    }
}
