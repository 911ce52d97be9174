import Foundation

/// Atomic file replacement: a temporary file in the same folder (`.NAME.PID.tmp`), then one
/// rename, so a crash or Ctrl-C never leaves a half-written file under the final name (the
/// temporaries of dead processes are removed by `OutputFolder.removeStaleTemporaryFiles`).
/// Every single-file write of the package goes through here: checkpoints, PNGs, CSV and JSON.
public enum AtomicFile {
    /// A write that failed; the message names the file.
    public struct Failure: Error, Equatable, LocalizedError, CustomStringConvertible {
        public var path: String
        /// What went wrong, in words (`FileSystemMessage`).
        public var reason: String

        public var description: String { "\(path): cannot be written: \(reason)" }
        public var errorDescription: String? { description }
    }

    /// Writes `data` to `url` atomically.
    /// - Throws: `Failure` naming `url`; the temporary file is removed.
    public static func write(_ data: Data, to url: URL) throws(Failure) {
        try write(data, to: url, killHook: { false })
    }

    /// `write(_:to:)` with a test hook: when `killHook` returns true, half of `data` is written to
    /// the temporary file and the process kills itself, as a power cut mid-write would.
    public static func write(_ data: Data, to url: URL, killHook: () -> Bool) throws(Failure) {
        let folder = url.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        do {
            if killHook() {
                try data.prefix(data.count / 2).write(to: temporary)
                kill(getpid(), SIGKILL)
            }
            try data.write(to: temporary)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw Failure(path: url.path, reason: FileSystemMessage.reason(error))
        }
        if rename(temporary.path, url.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw Failure(path: url.path, reason: reason)
        }
    }
}
