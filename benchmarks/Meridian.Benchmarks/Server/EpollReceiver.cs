using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Meridian.Benchmarks.Server;

/// <summary>
/// The fan-out subscribers' receive side on Linux: one thread waits on an epoll set holding every subscriber's socket
/// and reads each ready one with a plain non-blocking <c>recv</c>. Against one async receive loop per subscriber this
/// saves, per update, the runtime's own epoll thread dispatching a completion to the thread pool, a pool work item,
/// two async state machines resuming, and the failed <c>recv</c> that every async receive starts with; so the load
/// generator's share of two cores shrinks to the syscall and the frame walk. The sockets must never have been used
/// asynchronously (the runtime would then watch them in its own epoll set too).
/// </summary>
internal sealed class EpollReceiver : IDisposable
{
    private const int EpollCtlAdd = 1;
    private const uint EpollIn = 0x001;
    private const int EIntr = 4;

    private readonly int _epoll;
    private readonly List<RawSubscriber> _subscribers = [];
    private readonly Action<int, RawSubscriber> _onMessage;
    private readonly Thread _thread;
    private volatile bool _stopping;

    /// <summary>Whether this machine has epoll with the x86-64 (packed) event layout this class declares.</summary>
    public static bool IsSupported => OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64;

    /// <param name="onMessage">Called on the receiver's thread for every whole message, with the subscriber's index.</param>
    public EpollReceiver(Action<int, RawSubscriber> onMessage)
    {
        _onMessage = onMessage;
        _epoll = Native.EpollCreate1(0);
        if (_epoll < 0)
            throw new InvalidOperationException($"epoll_create1 failed: errno {Marshal.GetLastPInvokeError()}");
        _thread = new Thread(Run) { IsBackground = true, Name = "fan-out receiver" };
    }

    /// <summary>Adds a subscriber (before <see cref="Start"/>); its socket becomes non-blocking.</summary>
    public void Add(RawSubscriber subscriber)
    {
        subscriber.Socket.Blocking = false;
        var e = new EpollEvent { Events = EpollIn, Data = (ulong)_subscribers.Count };
        if (Native.EpollCtl(_epoll, EpollCtlAdd, (int)subscriber.Socket.Handle, ref e) != 0)
            throw new InvalidOperationException($"epoll_ctl failed: errno {Marshal.GetLastPInvokeError()}");
        _subscribers.Add(subscriber);
    }

    public void Start() => _thread.Start();

    private void Run()
    {
        var events = new EpollEvent[256];
        while (!_stopping)
        {
            // Level-triggered, one recv per ready socket per wait: what is left is reported again.
            var n = Native.EpollWait(_epoll, events, events.Length, 50);
            if (n < 0)
            {
                if (Marshal.GetLastPInvokeError() == EIntr)
                    continue;
                throw new InvalidOperationException($"epoll_wait failed: errno {Marshal.GetLastPInvokeError()}");
            }
            for (var i = 0; i < n; i++)
            {
                var index = (int)events[i].Data;
                var subscriber = _subscribers[index];
                if (!subscriber.ReceiveAvailable())
                    continue;
                while (subscriber.TryNextMessage())
                    _onMessage(index, subscriber);
            }
        }
    }

    public void Dispose()
    {
        _stopping = true;
        if (_thread.IsAlive)
            _thread.Join();
        _ = Native.Close(_epoll); // nothing to do if it fails: the process is done with it
    }

    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    private struct EpollEvent
    {
        public uint Events;
        public ulong Data;
    }

    private static class Native
    {
        [DllImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int EpollCreate1(int flags);

        [DllImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int EpollCtl(int epoll, int op, int fd, ref EpollEvent e);

        [DllImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int EpollWait(int epoll, [Out] EpollEvent[] events, int maxEvents, int timeoutMs);

        [DllImport("libc", EntryPoint = "close", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Close(int fd);
    }
}
