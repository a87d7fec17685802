using System.Runtime.InteropServices;

namespace Automation.RulesBench;

/// <summary>
/// CPU time of the calling thread (Linux <c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c>): unlike wall time it does not
/// grow while other processes hold the cores, so runs on a busy machine stay comparable.
/// </summary>
internal static partial class ThreadCpuTime
{
    private const int ClockThreadCpuTimeId = 3;

    public static double Seconds() =>
        ClockGetTime(ClockThreadCpuTimeId, out var time) == 0 ? time.Seconds + time.Nanoseconds / 1e9 : double.NaN;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clockId, out TimeSpec time);
}
