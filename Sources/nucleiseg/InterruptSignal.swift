#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Ctrl-C handling for long runs: the first SIGINT asks the run to stop at the next step (it
/// then saves and exits cleanly); a second one ends the process at once.
public enum InterruptSignal {
    nonisolated(unsafe) private static var requested: sig_atomic_t = 0

    /// Installs the handler (idempotent).
    public static func install() {
        // A parent may start us with SIGINT blocked (the mask is inherited across exec); unblock
        // it before threads are created so that Ctrl-C reaches the handler.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        signal(SIGINT) { _ in
            if InterruptSignal.requested != 0 { _exit(130) }
            InterruptSignal.requested = 1
        }
    }

    /// Whether Ctrl-C was pressed since `install()`.
    public static var isRequested: Bool { requested != 0 }
}
