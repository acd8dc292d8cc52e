using System.Runtime.InteropServices;

namespace UuLearning.Cli;

/// <summary>
/// Decides whether two paths name the same file, so that no command writes over one of its inputs. Two checks, either
/// of which is enough: the paths are equal once made absolute with every symbolic link on the way resolved (to the file
/// or to any folder above it, as the operating system resolves them), or, on Linux, both files exist and have the same
/// device and inode (which also catches hard links and bind mounts). The inode comes from <c>statx</c> in the C library,
/// whose result layout is the same on every Linux architecture; where it is unavailable only the paths are compared.
/// </summary>
internal static class FileIdentity
{
    private const int MaxLinkHops = 40;

    /// <summary>Whether <paramref name="first"/> and <paramref name="second"/> are the same file (see the class remarks).</summary>
    public static bool SameFile(string first, string second)
    {
        if (PathComparer.Equals(ResolvePath(first), ResolvePath(second)))
        {
            return true;
        }
        return TryGetId(first, out var a) && TryGetId(second, out var b) && a == b;
    }

    /// <summary>
    /// The absolute form of <paramref name="path"/> with every symbolic link resolved, component by component. The path
    /// is first made absolute as .NET's file APIs do (<see cref="Path.GetFullPath(string)"/>, which removes <c>..</c>
    /// lexically); then each link is replaced by its target, whose own <c>..</c> the operating system walks from the
    /// link's folder. A path that does not exist (yet) is resolved as far as it exists. A loop of links leaves the path as
    /// it was made absolute.
    /// </summary>
    public static string ResolvePath(string path)
    {
        string absolute = Path.GetFullPath(path);
        string root = Path.GetPathRoot(absolute)!;
        var pending = new Stack<string>(Components(absolute[root.Length..]).Reverse());
        string current = root;
        int hops = 0;
        while (pending.TryPop(out string? part))
        {
            if (part == ".")
            {
                continue;
            }
            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }
            string next = Path.Combine(current, part);
            string? target = LinkTarget(next);
            if (target is null)
            {
                current = next;
                continue;
            }
            if (++hops > MaxLinkHops)
            {
                return Path.GetFullPath(absolute);
            }
            // Continue with the link's target in place of the link: relative targets start from the link's folder.
            foreach (string p in Components(Path.IsPathRooted(target) ? target[Path.GetPathRoot(target)!.Length..] : target).Reverse())
            {
                pending.Push(p);
            }
            if (Path.IsPathRooted(target))
            {
                current = Path.GetPathRoot(target)!;
            }
        }
        return current;
    }

    /// <summary>How paths compare on this platform (case-insensitive on Windows and macOS).</summary>
    public static StringComparer PathComparer { get; } =
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    private static IEnumerable<string> Components(string relative) =>
        relative.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);

    private static string? LinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The device and inode of an existing file (links followed); false when unknown.</summary>
    private static bool TryGetId(string path, out (ulong Device, ulong Inode) id)
    {
        id = default;
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }
        try
        {
            // The full path, as .NET opens it (GetFullPath removes .. lexically; the kernel would walk it after links).
            if (Statx(AtFdCwd, Path.GetFullPath(path), 0, StatxIno, out var data) != 0 || (data.Mask & StatxIno) == 0)
            {
                return false;
            }
            id = (((ulong)data.DevMajor << 32) | data.DevMinor, data.Ino);
            return true;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    private const int AtFdCwd = -100;
    private const uint StatxIno = 0x100;

    /// <summary>The head of <c>struct statx</c> (linux/stat.h): the same layout on every architecture, 256 bytes.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct StatxData
    {
        [FieldOffset(0)]
        public uint Mask;

        [FieldOffset(32)]
        public ulong Ino;

        [FieldOffset(136)]
        public uint DevMajor;

        [FieldOffset(140)]
        public uint DevMinor;
    }

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, out StatxData data);
}
