namespace UuLearning.Tests.Build;

public class TorchSharpElfPatcherTests
{
    private static string Original => Path.Combine(AppContext.BaseDirectory, "Fixtures", "libLibTorchSharp.original.so");

    [Fact]
    public void Patch_OriginalTorchSharpLibrary_RewritesOnlyTheVersionNeedAndSymbolVersion()
    {
        var original = File.ReadAllBytes(Original);
        Assert.True(ContainsName(original, "GLIBCXX_3.4.32"), "fixture should be the unrepaired TorchSharp 0.107.0 library");
        var patched = (byte[])original.Clone();

        Assert.Equal("repaired", TorchSharpElfPatcher.Patch(patched));

        // Exactly one 4-byte name offset, one 4-byte hash and one 2-byte version index change: at most 10 bytes differ.
        int changed = 0;
        for (int i = 0; i < original.Length; i++)
        {
            if (original[i] != patched[i])
            {
                changed++;
            }
        }
        Assert.InRange(changed, 3, 10);
        Assert.Equal(original.Length, patched.Length);

        // The rewritten entry carries the hash the linker itself stored for GLIBCXX_3.4.30 in the same file:
        // one more occurrence of that 4-byte value, one fewer of the GLIBCXX_3.4.32 hash.
        uint hash30 = TorchSharpElfPatcher.ElfHash("GLIBCXX_3.4.30");
        uint hash32 = TorchSharpElfPatcher.ElfHash("GLIBCXX_3.4.32");
        Assert.Equal(0x0297f840u, hash30); // computed independently with the System V ABI algorithm in Python
        Assert.True(CountUInt32(original, hash30) >= 1, "the linker-written hash of GLIBCXX_3.4.30 should be in the file");
        Assert.Equal(CountUInt32(original, hash30) + 1, CountUInt32(patched, hash30));
        Assert.Equal(CountUInt32(original, hash32) - 1, CountUInt32(patched, hash32));
    }

    private static int CountUInt32(byte[] bytes, uint value)
    {
        int count = 0;
        for (int i = 0; i + 4 <= bytes.Length; i += 4)
        {
            if (BitConverter.ToUInt32(bytes, i) == value)
            {
                count++;
            }
        }
        return count;
    }

    [Fact]
    public void Patch_AlreadyRepairedLibrary_IsIdempotent()
    {
        var bytes = File.ReadAllBytes(Original);
        Assert.Equal("repaired", TorchSharpElfPatcher.Patch(bytes));
        var once = (byte[])bytes.Clone();

        Assert.Equal("already repaired", TorchSharpElfPatcher.Patch(bytes));
        Assert.Equal(once, bytes);
    }

    [Fact]
    public void Patch_NotAnElfFile_ThrowsSayingWhatItFound()
    {
        var ex = Assert.Throws<InvalidDataException>(() => TorchSharpElfPatcher.Patch(new byte[100]));
        Assert.Contains("not an ELF", ex.Message);
    }

    [Fact]
    public void Patch_TruncatedElf_ThrowsInsteadOfCorrupting()
    {
        var bytes = File.ReadAllBytes(Original).AsSpan(0, 4096).ToArray();
        var ex = Assert.Throws<InvalidDataException>(() => TorchSharpElfPatcher.Patch(bytes));
        Assert.Contains("out of bounds", ex.Message);
    }

    [Fact]
    public void ElfHash_KnownValues()
    {
        // Values from the System V ABI's hash function, computed by hand for short names:
        // "a" = 0x61; "ab" = (0x61 << 4) + 0x62 = 0x672.
        Assert.Equal(0x61u, TorchSharpElfPatcher.ElfHash("a"));
        Assert.Equal(0x672u, TorchSharpElfPatcher.ElfHash("ab"));
    }

    private static bool ContainsName(byte[] bytes, string name)
    {
        var needle = System.Text.Encoding.ASCII.GetBytes(name + "\0");
        return bytes.AsSpan().IndexOf(needle) >= 0;
    }
}
