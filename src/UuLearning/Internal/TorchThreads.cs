using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;

namespace UuLearning.Internal;

/// <summary>
/// libtorch's intra-op threads: how many a piece of work gets, and the OpenMP wait policy that keeps idle threads from
/// spinning on cores that other threads (or processes) need.
/// </summary>
/// <remarks>
/// <para>The wait policy must be in the native environment before libtorch's OpenMP runtime loads, so it is set by a
/// module initializer, when this assembly is first used: <c>OMP_WAIT_POLICY=PASSIVE</c> unless the variable is already
/// set (a user's value always wins). With libgomp's default (spin about 300,000 times before sleeping) a thread waiting
/// at a barrier burns the core its partner needs whenever the machine is loaded.</para>
/// <para>torch's thread count is per OS thread for OpenMP but global for MKL; <see cref="Use"/> sets it for one piece of
/// synchronous work and restores the previous value, so nested or sequential uses on one thread compose. Concurrent
/// trainings on different threads asking for different counts may see each other's MKL setting.</para>
/// </remarks>
internal static class TorchThreads
{
    /// <summary>Multiply-adds per thread per optimisation step below which another thread costs more (a barrier, and a
    /// whole time slice when the machine is busy) than it saves. Measured on 2 cores: see docs/performance.md.</summary>
    internal const long MultiplyAddsPerThread = 32L * 1024 * 1024;

    internal const string WaitPolicyVariable = "OMP_WAIT_POLICY";

    /// <summary>The value this process found or set for <c>OMP_WAIT_POLICY</c> before libtorch loaded (null if unknown).</summary>
    internal static string? WaitPolicy { get; private set; }

    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries",
        Justification = "The OpenMP wait policy is read once when libtorch loads; a module initializer is the only point that reliably runs before the library's first torch call.")]
    internal static void SetPassiveWaitPolicy()
    {
        try
        {
            var existing = Environment.GetEnvironmentVariable(WaitPolicyVariable);
            if (!string.IsNullOrEmpty(existing))
            {
                WaitPolicy = existing;
                return;
            }
            // .NET on Unix keeps its own copy of the environment; OpenMP reads the C library's, so set both.
            if (!OperatingSystem.IsWindows())
            {
                _ = NativeMethods.setenv(WaitPolicyVariable, "PASSIVE", 0);
            }
            Environment.SetEnvironmentVariable(WaitPolicyVariable, "PASSIVE");
            WaitPolicy = "PASSIVE";
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or System.Security.SecurityException)
        {
            WaitPolicy = null; // no C library to talk to: leave OpenMP's default
        }
    }

    /// <summary>The thread count for work of <paramref name="multiplyAddsPerStep"/> multiply-adds per step: one thread per
    /// <see cref="MultiplyAddsPerThread"/>, at least 1 and at most the processors this process may use.</summary>
    /// <param name="multiplyAddsPerStep">Multiply-adds of one forward pass over one batch (all folds).</param>
    /// <param name="processors">The processors available (default <see cref="Environment.ProcessorCount"/>).</param>
    internal static int Choose(long multiplyAddsPerStep, int processors = 0)
    {
        int cores = processors > 0 ? processors : Environment.ProcessorCount;
        long byWork = Math.Max(1, multiplyAddsPerStep / MultiplyAddsPerThread);
        return (int)Math.Min(cores, byWork);
    }

    /// <summary>Sets torch's intra-op thread count for the calling thread until the returned scope is disposed.</summary>
    internal static Scope Use(int threads)
    {
        int previous = torch.get_num_threads();
        if (previous != threads)
        {
            torch.set_num_threads(threads);
        }
        return new Scope(previous, threads);
    }

    internal readonly struct Scope : IDisposable
    {
        private readonly int _previous;
        private readonly int _threads;

        internal Scope(int previous, int threads)
        {
            _previous = previous;
            _threads = threads;
        }

        public void Dispose()
        {
            if (_previous != _threads && _previous > 0)
            {
                torch.set_num_threads(_previous);
            }
        }
    }

    private static class NativeMethods
    {
        [DllImport("libc", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        [SuppressMessage("Globalization", "CA2101:Specify marshaling for P/Invoke string arguments", Justification = "ASCII names and values.")]
        internal static extern int setenv(string name, string value, int overwrite);
    }
}
