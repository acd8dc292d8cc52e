using System.Diagnostics;

namespace UuLearning.Cli.Tests;

/// <summary>The path half of <see cref="FileIdentity"/> (what remains where inodes are unavailable) and the inode half.</summary>
public sealed class FileIdentityTests : TempFolderTest
{
    [Fact]
    public void ResolvePath_ThroughALinkedFolder_IsTheTargetsPath()
    {
        Directory.CreateDirectory(PathOf("real"));
        File.WriteAllText(PathOf("real/data.csv"), "x");
        Directory.CreateSymbolicLink(PathOf("alias"), PathOf("real"));
        Assert.Equal(FileIdentity.ResolvePath(PathOf("real/data.csv")), FileIdentity.ResolvePath(PathOf("alias/data.csv")));
    }

    [Fact]
    public void ResolvePath_DotDotAfterALinkedFolder_IsLexicalLikeDotNetFileApis()
    {
        Directory.CreateDirectory(PathOf("a/b"));
        File.WriteAllText(PathOf("a/data.csv"), "in a");
        File.WriteAllText(PathOf("data.csv"), "in the test folder");
        Directory.CreateSymbolicLink(PathOf("shortcut"), PathOf("a/b"));
        // .NET makes paths absolute lexically before it opens them: shortcut/.. is the test folder, not a.
        Assert.Equal("in the test folder", File.ReadAllText(PathOf("shortcut/../data.csv")));
        Assert.Equal(FileIdentity.ResolvePath(PathOf("data.csv")), FileIdentity.ResolvePath(PathOf("shortcut/../data.csv")));
        Assert.True(FileIdentity.SameFile(PathOf("shortcut/../data.csv"), PathOf("data.csv")));
        Assert.False(FileIdentity.SameFile(PathOf("shortcut/../data.csv"), PathOf("a/data.csv")));
    }

    [Fact]
    public void ResolvePath_LinkTargetWithDotDot_IsWalkedFromTheLinksFolder()
    {
        Directory.CreateDirectory(PathOf("a/b"));
        File.WriteAllText(PathOf("a/data.csv"), "in a");
        File.CreateSymbolicLink(PathOf("a/b/up.csv"), "../data.csv");
        Assert.Equal(FileIdentity.ResolvePath(PathOf("a/data.csv")), FileIdentity.ResolvePath(PathOf("a/b/up.csv")));
    }

    [Fact]
    public void ResolvePath_RelativeLinkTargets_StartFromTheLinksFolder()
    {
        Directory.CreateDirectory(PathOf("x/y"));
        File.WriteAllText(PathOf("x/y/data.csv"), "x");
        File.CreateSymbolicLink(PathOf("x/first.csv"), "second.csv");
        File.CreateSymbolicLink(PathOf("x/second.csv"), Path.Combine("y", "data.csv"));
        Assert.Equal(FileIdentity.ResolvePath(PathOf("x/y/data.csv")), FileIdentity.ResolvePath(PathOf("x/first.csv")));
    }

    [Fact]
    public void ResolvePath_LinkLoop_Terminates()
    {
        File.CreateSymbolicLink(PathOf("one"), PathOf("two"));
        File.CreateSymbolicLink(PathOf("two"), PathOf("one"));
        Assert.EndsWith("one", FileIdentity.ResolvePath(PathOf("one")), StringComparison.Ordinal);
    }

    [Fact]
    public void ResolvePath_FileNotYetWritten_ResolvesItsFolder()
    {
        Directory.CreateDirectory(PathOf("real"));
        Directory.CreateSymbolicLink(PathOf("alias"), PathOf("real"));
        Assert.Equal(Path.Combine(FileIdentity.ResolvePath(PathOf("real")), "new.csv"), FileIdentity.ResolvePath(PathOf("alias/new.csv")));
    }

    [Fact]
    public void SameFile_HardLink_IsTheSameFile()
    {
        File.WriteAllText(PathOf("data.csv"), "x");
        var info = new ProcessStartInfo("ln", [PathOf("data.csv"), PathOf("twin.csv")]) { UseShellExecute = false };
        using (var process = Process.Start(info)!)
        {
            process.WaitForExit();
            Assert.Equal(0, process.ExitCode);
        }
        Assert.True(FileIdentity.SameFile(PathOf("twin.csv"), PathOf("data.csv")));
    }

    [Fact]
    public void SameFile_CopyOrMissingFile_IsNotTheSameFile()
    {
        File.WriteAllText(PathOf("data.csv"), "x");
        File.Copy(PathOf("data.csv"), PathOf("copy.csv"));
        Assert.False(FileIdentity.SameFile(PathOf("copy.csv"), PathOf("data.csv")));
        Assert.False(FileIdentity.SameFile(PathOf("missing.csv"), PathOf("data.csv")));
        Assert.True(FileIdentity.SameFile(Path.Combine(Folder, ".", "data.csv"), PathOf("data.csv")));
    }
}
