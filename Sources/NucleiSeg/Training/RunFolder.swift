import Foundation
import NucleiNN
import _FileSystemMessages

/// A training run's folder, held for the whole run.
///
/// Opening it (1) checks that the folder can be written (`OutputFolder`), (2) takes an exclusive
/// `flock` on `RUN/.lock`, so a second `train` into the same folder stops at once instead of
/// mixing its files with the first one's (the kernel drops the lock when the process ends, even
/// after kill -9), (3) refuses a folder that already holds a run unless the run is resumed or
/// explicitly overwritten, and (4) removes the temporary files (`.NAME.PID.tmp`) that a process
/// killed during an atomic write left behind, when that process is gone.
public final class RunFolder {
    public enum Mode: Sendable, Equatable {
        /// A new run: the folder must not hold one.
        case new
        /// Continue the run in the folder (`--resume`).
        case resume
        /// Replace the run in the folder (`--overwrite`): its files are removed when training starts.
        case overwrite
    }

    public let url: URL
    /// Where the run's files are.
    public let paths: Paths
    private let lockDescriptor: Int32
    /// With `.overwrite`, the old run's files still to remove (`removeOldRun`).
    private var oldRunFiles: [String] = []
    /// The stale temporary files removed when the folder was opened.
    public private(set) var removedTemporaryFiles: [String] = []

    /// - Throws: `OutputFolderError` (not a folder, not writable), `TrainingError.runInUse` when
    ///   another process holds the lock, `TrainingError.runExists` for a new run into an old one.
    public init(path: String, mode: Mode) throws {
        url = try OutputFolder.prepare(path)
        paths = Paths(root: url)
        let lockPath = paths.lock.path
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw OutputFolderError.notWritable(path: path, reason: FileSystemMessage.text(errno: errno)) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw TrainingError.runInUse(path: path)
        }
        lockDescriptor = descriptor
        let existing = Paths.runEntries.filter { FileManager.default.fileExists(atPath: url.appendingPathComponent($0).path) }
        switch mode {
        case .new:
            if let marker = existing.first(where: { $0 == "history.csv" || $0 == "model.safetensors" || $0 == "checkpoints" }) {
                throw TrainingError.runExists(path: path, marker: marker)
            }
        case .overwrite:
            oldRunFiles = existing
        case .resume:
            break
        }
        removedTemporaryFiles = OutputFolder.removeStaleTemporaryFiles(in: [url, paths.checkpoints, paths.figures, paths.evaluation])
    }

    /// With `.overwrite`: removes the old run's files. The trainer calls it once the dataset has
    /// loaded and the model is built, so a run that fails before it starts replaces nothing.
    public func removeOldRun() {
        for name in oldRunFiles { try? FileManager.default.removeItem(at: url.appendingPathComponent(name)) }
        oldRunFiles = []
    }

    deinit {
        flock(lockDescriptor, LOCK_UN)
        close(lockDescriptor)
    }
}
