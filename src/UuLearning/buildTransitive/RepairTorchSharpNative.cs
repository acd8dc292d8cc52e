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

    /// <summary>Optional explicit path of the host's libstdc++.so.6 (for tests); found with ldconfig's usual paths otherwise.</summary>
    public string HostLibStdCxx { get; set; } = string.Empty;

    /// <summary>The files that were changed by this run.</summary>
    [Output]
    public string[] Repaired { get; set; } = Array.Empty<string>();

    public override bool Execute()
    {
        var host = string.IsNullOrEmpty(HostLibStdCxx) ? FindHostLibStdCxx() : HostLibStdCxx;
        if (host == null)
        {
            Log.LogMessage(MessageImportance.Normal, "UuLearning: no host libstdc++.so.6 found; TorchSharp native repair skipped.");
            return true;
        }
        if (ContainsAscii(File.ReadAllBytes(host), TorchSharpElfPatcher.NeededVersion + "\0"))
        {
            Log.LogMessage(MessageImportance.Low, $"UuLearning: {host} provides {TorchSharpElfPatcher.NeededVersion}; no TorchSharp native repair needed.");
            return true;
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
                    Log.LogError($"UuLearning: cannot repair '{path}' for this host's libstdc++ ({host} lacks {TorchSharpElfPatcher.NeededVersion}): {ex.Message} " +
                                 "Set the MSBuild property UuLearningRepairTorchSharpNative=false to skip this step and supply a newer libstdc++ instead.");
                    return false;
                }
                if (outcome == "repaired")
                {
                    repaired.Add(path);
                    Log.LogMessage(MessageImportance.High, $"UuLearning: repaired {path} ({TorchSharpElfPatcher.NeededVersion} -> {TorchSharpElfPatcher.ReplacementVersion} for {TorchSharpElfPatcher.MarkerSymbol}).");
                }
                else
                {
                    Log.LogMessage(MessageImportance.Low, $"UuLearning: {path}: {outcome}.");
                }
            }
        }
        Repaired = repaired.ToArray();
        return true;
    }

    private static string FindHostLibStdCxx()
    {
        string[] candidates =
        {
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/usr/lib64/libstdc++.so.6",
            "/lib64/libstdc++.so.6",
            "/usr/lib/libstdc++.so.6",
        };
        foreach (var c in candidates)
        {
            if (File.Exists(c))
            {
                return c;
            }
        }
        return null;
    }

    private static bool ContainsAscii(byte[] haystack, string needle)
    {
        var n = Encoding.ASCII.GetBytes(needle);
        for (int i = 0; i + n.Length <= haystack.Length; i++)
        {
            int j = 0;
            while (j < n.Length && haystack[i + j] == n[j])
            {
                j++;
            }
            if (j == n.Length)
            {
                return true;
            }
        }
        return false;
    }
}
#endif

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
        if (b.Length < 64 || b[0] != 0x7f || b[1] != (byte)'E' || b[2] != (byte)'L' || b[3] != (byte)'F')
        {
            throw new InvalidDataException("the file is not an ELF image.");
        }
        if (b[4] != 2 || b[5] != 1)
        {
            throw new InvalidDataException($"expected a 64-bit little-endian ELF image, found class {b[4]} and data encoding {b[5]}.");
        }
        ulong shoff = U64(b, 0x28);
        int shentsize = U16(b, 0x3A);
        int shnum = U16(b, 0x3C);
        if (shoff == 0 || shnum == 0 || shentsize < 64 || (long)shoff + (long)shnum * shentsize > b.Length)
        {
            throw new InvalidDataException($"the section header table is missing or out of bounds (offset {shoff}, {shnum} entries of {shentsize} bytes).");
        }

        const uint ShtDynsym = 11, ShtVerneed = 0x6ffffffe, ShtVersym = 0x6fffffff;
        int verneedIdx = -1, versymIdx = -1, dynsymIdx = -1;
        for (int i = 0; i < shnum; i++)
        {
            uint type = U32(b, (int)shoff + i * shentsize + 4);
            if (type == ShtVerneed) verneedIdx = i;
            else if (type == ShtVersym) versymIdx = i;
            else if (type == ShtDynsym) dynsymIdx = i;
        }
        if (verneedIdx < 0 || versymIdx < 0 || dynsymIdx < 0)
        {
            throw new InvalidDataException($"expected .gnu.version_r, .gnu.version and .dynsym sections; found indices {verneedIdx}, {versymIdx}, {dynsymIdx}.");
        }

        Section verneed = ReadSection(b, shoff, shentsize, verneedIdx);
        Section versym = ReadSection(b, shoff, shentsize, versymIdx);
        Section dynsym = ReadSection(b, shoff, shentsize, dynsymIdx);
        Section dynstr = ReadSection(b, shoff, shentsize, (int)verneed.Link);
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

    private static int FindSymbolVersion(byte[] b, Section dynsym, Section dynstr, Section versym, string symbol)
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

    private readonly struct Section
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

    private static Section ReadSection(byte[] b, ulong shoff, int shentsize, int index)
    {
        int h = (int)shoff + index * shentsize;
        var s = new Section(U64(b, h + 24), U64(b, h + 32), U32(b, h + 40), U32(b, h + 44));
        if ((long)s.Offset + (long)s.Size > b.Length)
        {
            throw new InvalidDataException($"section {index} lies outside the file (offset {s.Offset}, size {s.Size}).");
        }
        return s;
    }

    private static string Str(byte[] b, Section strtab, uint offset)
    {
        int start = (int)strtab.Offset + (int)offset;
        int end = start;
        while (end < b.Length && b[end] != 0) end++;
        return Encoding.ASCII.GetString(b, start, end - start);
    }

    private static ushort U16(byte[] b, int o) => (ushort)(b[o] | b[o + 1] << 8);
    private static uint U32(byte[] b, int o) => (uint)(b[o] | b[o + 1] << 8 | b[o + 2] << 16 | b[o + 3] << 24);
    private static ulong U64(byte[] b, int o) => U32(b, o) | (ulong)U32(b, o + 4) << 32;
    private static void W16(byte[] b, int o, ushort v) { b[o] = (byte)v; b[o + 1] = (byte)(v >> 8); }
    private static void W32(byte[] b, int o, uint v) { for (int i = 0; i < 4; i++) b[o + i] = (byte)(v >> (8 * i)); }
}
