using System.Diagnostics;

namespace ReplicateMcp.Tests.TestUtilities;

/// <summary>
/// A state folder the real file system refuses to write into on demand, the way the machine allows: a full tmpfs
/// (root and mount work: the kernel answers "No space left on device"), else a folder without write permission
/// (not root: "Permission denied"), else the jobs folder replaced by a file ("Not a directory"). Never a fake:
/// the production code meets the operating system's own error.
/// </summary>
internal sealed class UnwritableStateFolder : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("replicate-mcp-unwritable-").FullName;
    private readonly bool _mounted;

    public UnwritableStateFolder()
    {
        Path = System.IO.Path.Combine(_root, "state");
        Directory.CreateDirectory(Path);
        _mounted = Environment.UserName == "root" && Run("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", Path) == 0;
        Mode = _mounted ? "a full tmpfs" : Environment.UserName != "root" ? "a folder without write permission" : "a jobs folder that is a file";
        Reason = _mounted ? "No space left on device" : Environment.UserName != "root" ? "denied" : "Not a directory";
        Directory.CreateDirectory(JobsFolder);
    }

    /// <summary>The state folder (REPLICATE_MCP_STATE_DIR).</summary>
    public string Path { get; }

    public string JobsFolder => System.IO.Path.Combine(Path, "jobs");

    /// <summary>How writing is refused here, for messages.</summary>
    public string Mode { get; }

    /// <summary>Text the system's reason contains.</summary>
    public string Reason { get; }

    private string Filler => System.IO.Path.Combine(Path, "filler");

    private string JobsAside => System.IO.Path.Combine(_root, "jobs-aside");

    /// <summary>From now on nothing more can be written into the jobs folder.</summary>
    public void Block()
    {
        if (_mounted)
        {
            using var filler = new FileStream(Filler, FileMode.Create, FileAccess.Write);
            var block = new byte[4096];
            try
            {
                while (true) filler.Write(block);
            }
            catch (IOException)
            {
                // Full: what a laptop's disk does.
            }
        }
        else if (Environment.UserName != "root" && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(JobsFolder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }
        else
        {
            Directory.Move(JobsFolder, JobsAside);
            File.WriteAllText(JobsFolder, "in the way");
        }
    }

    /// <summary>Room again.</summary>
    public void Unblock()
    {
        if (_mounted)
        {
            File.Delete(Filler);
        }
        else if (Environment.UserName != "root" && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(JobsFolder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        else if (File.Exists(JobsFolder))
        {
            File.Delete(JobsFolder);
            Directory.Move(JobsAside, JobsFolder);
        }
    }

    public void Dispose()
    {
        try
        {
            Unblock();
        }
        catch (IOException)
        {
        }
        if (_mounted) Run("umount", "-l", Path);
        try { Directory.Delete(_root, recursive: true); }
        catch (IOException) { }
    }

    private static int Run(string file, params string[] args)
    {
        try
        {
            var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var arg in args) start.ArgumentList.Add(arg);
            using var process = Process.Start(start)!;
            process.WaitForExit();
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }
}
