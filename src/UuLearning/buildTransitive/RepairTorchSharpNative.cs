#nullable disable
// Copyright (c) UuLearning contributors. Licensed under the MIT licence.
// Compiled by MSBuild's RoslynCodeTaskFactory from UuLearning.targets; it has no dependencies beyond the BCL and MSBuild.
//
// TorchSharp 0.107.0's libLibTorchSharp.so records a version need on libstdc++.so.6 for GLIBCXX_3.4.32, used by a single
// undefined symbol, _ZSt21ios_base_library_initv: a link-time marker that GCC 13's <iostream> emits and nothing calls.
// Hosts with an older libstdc++ (Debian 12, Ubuntu 22.04: GLIBCXX_3.4.30) refuse to load the library because of that one
// entry. This task rewrites, in the copy in the build or publish output only, that version-need entry to GLIBCXX_3.4.30
// (its name offset into .dynstr and its ELF hash) and marks the symbol's version as global (index 1). Nothing else changes.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
#if !UULEARNING_ELF_PATCHER_ONLY
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
#endif

#if !UULEARNING_ELF_PATCHER_ONLY
public sealed class RepairTorchSharpNative : Microsoft.Build.Utilities.Task
{
    /// <summary>Folders to look in for libLibTorchSharp.so (the build output, the publish folder).</summary>
    [Required]
    public string[] Directories { get; set; } = Array.Empty<string>();

    /// <summary>"auto" (repair only if the host's libstdc++ lacks GLIBCXX_3.4.32), "always", or "false".</summary>
    public string Mode { get; set; } = "auto";

    /// <summary>Optional explicit path of the libstdc++.so.6 to check (for tests); the loader's own otherwise.</summary>
    public string HostLibStdCxx { get; set; } = string.Empty;

    /// <summary>The files that were changed by this run.</summary>
    [Output]
    public string[] Repaired { get; set; } = Array.Empty<string>();

    public override bool Execute()
    {
        var decision = TorchSharpRepairDecision.Decide(Mode, HostLibStdCxx);
        if (!decision.Run)
        {
            Log.LogMessage(MessageImportance.Low, "UuLearning: TorchSharp native repair skipped: " + decision.Reason);
            return true;
        }

        // Said once per build (not once per project or per file): the build engine keeps the flag for this build only.
        const string announcedKey = "UuLearning.RepairTorchSharpNative.Announced";
        if (BuildEngine4.GetRegisteredTaskObject(announcedKey, RegisteredTaskObjectLifetime.Build) == null)
        {
            BuildEngine4.RegisterTaskObject(announcedKey, new object(), RegisteredTaskObjectLifetime.Build, allowEarlyCollection: false);
            Log.LogMessage(MessageImportance.High,
                $"UuLearning: {decision.Reason}; repairing the copy of TorchSharp's libLibTorchSharp.so in the build output so that it loads here " +
                "(docs/platform-requirements.md). Set the MSBuild property UuLearningRepairTorchSharpNative=false to turn this off.");
        }

        var repaired = new List<string>();
        foreach (var dir in Directories)
        {
            if (string.IsNullOrWhiteSpace(dir) || !Directory.Exists(dir))
            {
                continue;
            }
            foreach (var path in Directory.EnumerateFiles(dir, "libLibTorchSharp.so", SearchOption.AllDirectories))
            {
                string outcome;
                try
                {
                    outcome = TorchSharpElfPatcher.RepairFile(path);
                }
                catch (InvalidDataException ex)
                {
                    Log.LogError($"UuLearning: cannot repair '{path}' ({decision.Reason}): {ex.Message} " +
                                 "Set the MSBuild property UuLearningRepairTorchSharpNative=false to skip this step and supply a newer libstdc++ instead.");
                    return false;
                }
                if (outcome == "repaired")
                {
                    repaired.Add(path);
                }
                Log.LogMessage(MessageImportance.Normal, $"UuLearning: {path}: {outcome}.");
            }
        }
        Repaired = repaired.ToArray();
        return true;
    }
}
#endif

/// <summary>Whether the repair should run: the MSBuild switch, then the libstdc++ the dynamic loader would use.</summary>
public sealed class TorchSharpRepairDecision
{
    private TorchSharpRepairDecision(bool run, string reason)
    {
        Run = run;
        Reason = reason;
    }

    /// <summary>Whether libLibTorchSharp.so should be repaired.</summary>
    public bool Run { get; }

    /// <summary>Why, in words for the build log.</summary>
    public string Reason { get; }

    /// <summary>Decides for a mode ("auto", "true" meaning auto, "always", "false") and an optional libstdc++ path.</summary>
    public static TorchSharpRepairDecision Decide(string mode, string hostLibStdCxx)
    {
        string m = (mode ?? string.Empty).Trim().ToLowerInvariant();
        if (m == "false")
        {
            return new TorchSharpRepairDecision(false, "UuLearningRepairTorchSharpNative is false");
        }
        if (m == "always")
        {
            return new TorchSharpRepairDecision(true, "UuLearningRepairTorchSharpNative is 'always' (the output must load on hosts without " + TorchSharpElfPatcher.NeededVersion + ")");
        }
        if (m != "auto" && m != "true" && m != string.Empty)
        {
            throw new ArgumentException($"UuLearningRepairTorchSharpNative is '{mode}'; use auto, always or false.", nameof(mode));
        }

        string host = string.IsNullOrEmpty(hostLibStdCxx) ? LibStdCxxProbe.FindLoaderLibStdCxx() : hostLibStdCxx;
        if (host == null || !File.Exists(host))
        {
            return new TorchSharpRepairDecision(false, "no libstdc++.so.6 found on this host");
        }
        var versions = LibStdCxxProbe.DefinedVersions(host);
        if (versions.Contains(TorchSharpElfPatcher.NeededVersion))
        {
            return new TorchSharpRepairDecision(false, $"{host} defines {TorchSharpElfPatcher.NeededVersion}");
        }
        string newest = versions.Where(v => v.StartsWith("GLIBCXX_3.4", StringComparison.Ordinal))
            .OrderBy(v => v.Length).ThenBy(v => v, StringComparer.Ordinal).LastOrDefault() ?? "no GLIBCXX version";
        return new TorchSharpRepairDecision(true, $"{host} lacks {TorchSharpElfPatcher.NeededVersion} (newest: {newest})");
    }
}

/// <summary>Finds the libstdc++.so.6 the dynamic loader would use and reads the symbol versions it defines.</summary>
public static class LibStdCxxProbe
{
    /// <summary>
    /// The loader's choice, in its own order: LD_LIBRARY_PATH, then the ldconfig cache (ldconfig -p), then the usual
    /// Debian/Ubuntu/Fedora folders. Null if there is none.
    /// </summary>
    public static string FindLoaderLibStdCxx()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("LD_LIBRARY_PATH") ?? string.Empty).Split(':'))
        {
            if (dir.Length > 0 && File.Exists(Path.Combine(dir, TorchSharpElfPatcher.StdCxxSoname)))
            {
                return Path.Combine(dir, TorchSharpElfPatcher.StdCxxSoname);
            }
        }
        var cached = FromLdconfigCache();
        if (cached != null)
        {
            return cached;
        }
        string[] candidates =
        {
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/usr/lib64/libstdc++.so.6",
            "/lib64/libstdc++.so.6",
            "/usr/lib/libstdc++.so.6",
        };
        return candidates.FirstOrDefault(File.Exists);
    }

    private static string FromLdconfigCache()
    {
        foreach (var ldconfig in new[] { "/sbin/ldconfig", "/usr/sbin/ldconfig" })
        {
            if (!File.Exists(ldconfig))
            {
                continue;
            }
            try
            {
                var start = new System.Diagnostics.ProcessStartInfo(ldconfig, "-p") { RedirectStandardOutput = true, UseShellExecute = false };
                using var process = System.Diagnostics.Process.Start(start);
                string output = process.StandardOutput.ReadToEnd();
                process.WaitForExit();
                // Lines look like: "	libstdc++.so.6 (libc6,x86-64) => /lib/x86_64-linux-gnu/libstdc++.so.6"
                foreach (var line in output.Split('\n'))
                {
                    var t = line.Trim();
                    int arrow = t.IndexOf("=> ", StringComparison.Ordinal);
                    if (t.StartsWith(TorchSharpElfPatcher.StdCxxSoname + " ", StringComparison.Ordinal) && t.Contains("x86-64") && arrow > 0)
                    {
                        var path = t.Substring(arrow + 3).Trim();
                        if (File.Exists(path))
                        {
                            return path;
                        }
                    }
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
            }
            return null;
        }
        return null;
    }

    /// <summary>The version names a shared library defines (its .gnu.version_d section), as the loader checks them.</summary>
    /// <exception cref="InvalidDataException">The file is not a 64-bit little-endian ELF image with a version-definition section.</exception>
    public static ISet<string> DefinedVersions(string path) => DefinedVersions(File.ReadAllBytes(path));

    /// <summary>The version names an in-memory ELF64 image defines.</summary>
    /// <exception cref="InvalidDataException">The image is not a 64-bit little-endian ELF image with a version-definition section.</exception>
    public static ISet<string> DefinedVersions(byte[] b)
    {
        var elf = ElfImage.Open(b);
        const uint ShtVerdef = 0x6ffffffd;
        int index = elf.FindSection(ShtVerdef);
        if (index < 0)
        {
            throw new InvalidDataException("the library has no version-definition section (.gnu.version_d).");
        }
        var verdef = elf.GetSection(index);
        var strtab = elf.GetSection((int)verdef.Link);
        var names = new HashSet<string>(StringComparer.Ordinal);
        int entry = (int)verdef.Offset;
        for (uint n = 0; n < verdef.Info; n++)
        {
            // Elf64_Verdef: vd_version, vd_flags, vd_ndx, vd_cnt (u16 each), vd_hash, vd_aux, vd_next (u32 each);
            // the first Elf64_Verdaux (vda_name, vda_next) names the version.
            int aux = entry + (int)ElfImage.U32(b, entry + 12);
            names.Add(elf.Str(strtab, ElfImage.U32(b, aux)));
            uint next = ElfImage.U32(b, entry + 16);
            if (next == 0)
            {
                break;
            }
            entry += (int)next;
        }
        return names;
    }
}

/// <summary>The ELF edit itself, kept apart from the MSBuild task so that it can be unit-tested without MSBuild.</summary>
public static class TorchSharpElfPatcher
{
    public const string NeededVersion = "GLIBCXX_3.4.32";
    public const string ReplacementVersion = "GLIBCXX_3.4.30";
    public const string MarkerSymbol = "_ZSt21ios_base_library_initv";
    public const string StdCxxSoname = "libstdc++.so.6";

    /// <summary>Repairs one file in place (write to a temporary file, then rename). Returns "repaired", or why nothing was done.</summary>
    public static string RepairFile(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var result = Patch(bytes);
        if (result != "repaired")
        {
            return result;
        }
        var tmp = path + ".uulearning-tmp";
        File.WriteAllBytes(tmp, bytes);
        File.Replace(tmp, path, null);
        return result;
    }

    /// <summary>Patches an ELF64 little-endian image in memory. Returns "repaired", "already repaired" or "no GLIBCXX_3.4.32 need".</summary>
    public static string Patch(byte[] b)
    {
        var elf = ElfImage.Open(b);
        const uint ShtDynsym = 11, ShtVerneed = 0x6ffffffe, ShtVersym = 0x6fffffff;
        int verneedIdx = elf.FindSection(ShtVerneed), versymIdx = elf.FindSection(ShtVersym), dynsymIdx = elf.FindSection(ShtDynsym);
        if (verneedIdx < 0 || versymIdx < 0 || dynsymIdx < 0)
        {
            throw new InvalidDataException($"expected .gnu.version_r, .gnu.version and .dynsym sections; found indices {verneedIdx}, {versymIdx}, {dynsymIdx}.");
        }

        ElfImage.Section verneed = elf.GetSection(verneedIdx);
        ElfImage.Section versym = elf.GetSection(versymIdx);
        ElfImage.Section dynsym = elf.GetSection(dynsymIdx);
        ElfImage.Section dynstr = elf.GetSection((int)verneed.Link);
        if (dynsym.Link != verneed.Link)
        {
            throw new InvalidDataException("the version-need table and the dynamic symbol table use different string tables.");
        }

        // Walk the Verneed entries for libstdc++.so.6.
        int replacementNameOffset = -1;
        int targetAux = -1;
        ushort targetIndex = 0;
        int entry = (int)verneed.Offset;
        for (uint n = 0; n < verneed.Info; n++)
        {
            uint vnFile = U32(b, entry + 4);
            int vnAux = (int)U32(b, entry + 8);
            ushort vnCnt = U16(b, entry + 2);
            uint vnNext = U32(b, entry + 12);
            if (Str(b, dynstr, vnFile) == StdCxxSoname)
            {
                int aux = entry + vnAux;
                for (int k = 0; k < vnCnt; k++)
                {
                    uint name = U32(b, aux + 8);
                    string s = Str(b, dynstr, name);
                    if (s == NeededVersion)
                    {
                        targetAux = aux;
                        targetIndex = U16(b, aux + 6);
                    }
                    else if (s == ReplacementVersion)
                    {
                        replacementNameOffset = (int)name;
                    }
                    uint next = U32(b, aux + 12);
                    if (next == 0) break;
                    aux += (int)next;
                }
            }
            if (vnNext == 0) break;
            entry += (int)vnNext;
        }

        if (targetAux < 0)
        {
            return replacementNameOffset >= 0 && FindSymbolVersion(b, dynsym, dynstr, versym, MarkerSymbol) == 1
                ? "already repaired"
                : "no " + NeededVersion + " need";
        }
        if (replacementNameOffset < 0)
        {
            throw new InvalidDataException($"the library needs {NeededVersion} but names no {ReplacementVersion} entry whose string could be reused.");
        }

        // Every symbol using the 3.4.32 version index must be the marker symbol: anything else would be a real dependency.
        int markerIndex = -1;
        int count = (int)(dynsym.Size / 24);
        for (int i = 0; i < count; i++)
        {
            ushort ver = (ushort)(U16(b, (int)versym.Offset + i * 2) & 0x7fff);
            if (ver != targetIndex) continue;
            string name = Str(b, dynstr, U32(b, (int)dynsym.Offset + i * 24));
            if (name != MarkerSymbol)
            {
                throw new InvalidDataException($"symbol '{name}' also needs {NeededVersion}; only {MarkerSymbol} is known to be safe to relax.");
            }
            markerIndex = i;
        }

        W32(b, targetAux + 8, (uint)replacementNameOffset);
        W32(b, targetAux, ElfHash(ReplacementVersion));
        if (markerIndex >= 0)
        {
            W16(b, (int)versym.Offset + markerIndex * 2, 1);
        }
        return "repaired";
    }

    private static int FindSymbolVersion(byte[] b, ElfImage.Section dynsym, ElfImage.Section dynstr, ElfImage.Section versym, string symbol)
    {
        int count = (int)(dynsym.Size / 24);
        for (int i = 0; i < count; i++)
        {
            if (Str(b, dynstr, U32(b, (int)dynsym.Offset + i * 24)) == symbol)
            {
                return U16(b, (int)versym.Offset + i * 2) & 0x7fff;
            }
        }
        return -1;
    }

    /// <summary>The System V ELF hash of a name, as stored in vna_hash.</summary>
    public static uint ElfHash(string name)
    {
        uint h = 0;
        foreach (char ch in name)
        {
            h = (h << 4) + (byte)ch;
            uint g = h & 0xf0000000;
            if (g != 0) h ^= g >> 24;
            h &= ~g;
        }
        return h;
    }

    private static string Str(byte[] b, ElfImage.Section strtab, uint offset) => new ElfImage(b).Str(strtab, offset);
    private static ushort U16(byte[] b, int o) => ElfImage.U16(b, o);
    private static uint U32(byte[] b, int o) => ElfImage.U32(b, o);
    private static void W16(byte[] b, int o, ushort v) { b[o] = (byte)v; b[o + 1] = (byte)(v >> 8); }
    private static void W32(byte[] b, int o, uint v) { for (int i = 0; i < 4; i++) b[o + i] = (byte)(v >> (8 * i)); }
}

/// <summary>Read access to the section headers of an ELF64 little-endian image (the only layout TorchSharp ships for linux-x64).</summary>
public sealed class ElfImage
{
    private readonly byte[] _b;
    private readonly ulong _shoff;
    private readonly int _shentsize;
    private readonly int _shnum;

    internal ElfImage(byte[] b)
    {
        _b = b;
        _shoff = U64(b, 0x28);
        _shentsize = U16(b, 0x3A);
        _shnum = U16(b, 0x3C);
    }

    /// <summary>Checks the identification and the section header table, then wraps the image.</summary>
    /// <exception cref="InvalidDataException">Not an ELF64 little-endian image, or its section table is out of bounds.</exception>
    public static ElfImage Open(byte[] b)
    {
        if (b.Length < 64 || b[0] != 0x7f || b[1] != (byte)'E' || b[2] != (byte)'L' || b[3] != (byte)'F')
        {
            throw new InvalidDataException("the file is not an ELF image.");
        }
        if (b[4] != 2 || b[5] != 1)
        {
            throw new InvalidDataException($"expected a 64-bit little-endian ELF image, found class {b[4]} and data encoding {b[5]}.");
        }
        var elf = new ElfImage(b);
        if (elf._shoff == 0 || elf._shnum == 0 || elf._shentsize < 64 || (long)elf._shoff + (long)elf._shnum * elf._shentsize > b.Length)
        {
            throw new InvalidDataException($"the section header table is missing or out of bounds (offset {elf._shoff}, {elf._shnum} entries of {elf._shentsize} bytes).");
        }
        return elf;
    }

    /// <summary>The index of the last section of a type, or -1.</summary>
    public int FindSection(uint type)
    {
        int found = -1;
        for (int i = 0; i < _shnum; i++)
        {
            if (U32(_b, (int)_shoff + i * _shentsize + 4) == type)
            {
                found = i;
            }
        }
        return found;
    }

    /// <summary>One section header.</summary>
    /// <exception cref="InvalidDataException">The index or the section's extent is out of bounds.</exception>
    public Section GetSection(int index)
    {
        if (index < 0 || index >= _shnum)
        {
            throw new InvalidDataException($"section index {index} is outside the section table ({_shnum} entries).");
        }
        int h = (int)_shoff + index * _shentsize;
        var s = new Section(U64(_b, h + 24), U64(_b, h + 32), U32(_b, h + 40), U32(_b, h + 44));
        if ((long)s.Offset + (long)s.Size > _b.Length)
        {
            throw new InvalidDataException($"section {index} lies outside the file (offset {s.Offset}, size {s.Size}).");
        }
        return s;
    }

    /// <summary>A NUL-terminated string at an offset into a string table.</summary>
    public string Str(Section strtab, uint offset)
    {
        long start = (long)strtab.Offset + offset;
        if (offset >= strtab.Size || start >= _b.Length)
        {
            throw new InvalidDataException($"string offset {offset} lies outside its string table.");
        }
        int end = (int)start;
        while (end < _b.Length && _b[end] != 0) end++;
        return Encoding.ASCII.GetString(_b, (int)start, end - (int)start);
    }

    /// <summary>Reads little-endian integers.</summary>
    public static ushort U16(byte[] b, int o) => (ushort)(b[o] | b[o + 1] << 8);
    /// <summary>Reads little-endian integers.</summary>
    public static uint U32(byte[] b, int o) => (uint)(b[o] | b[o + 1] << 8 | b[o + 2] << 16 | b[o + 3] << 24);
    /// <summary>Reads little-endian integers.</summary>
    public static ulong U64(byte[] b, int o) => U32(b, o) | (ulong)U32(b, o + 4) << 32;

    /// <summary>The fields of a section header this code uses.</summary>
    public readonly struct Section
    {
        public Section(ulong offset, ulong size, uint link, uint info)
        {
            Offset = offset; Size = size; Link = link; Info = info;
        }
        public ulong Offset { get; }
        public ulong Size { get; }
        public uint Link { get; }
        public uint Info { get; }
    }
}
