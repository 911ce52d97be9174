import Foundation
import NucleiNN
import _FileSystemMessages

/// What can be wrong with a folder a command writes into; every message names the folder.
public enum OutputFolderError: Error, Equatable, LocalizedError, CustomStringConvertible {
    case notAFolder(path: String)
    case cannotCreate(path: String, reason: String)
    case notWritable(path: String, reason: String)

    public var description: String {
        switch self {
        case let .notAFolder(path): return "\(path): is a file; expected a folder for the outputs (or a path that does not exist yet)"
        case let .cannotCreate(path, reason): return "\(path): cannot create the output folder: \(reason)"
        case let .notWritable(path, reason): return "\(path): the output folder is not writable: \(reason)"
        }
    }
    public var errorDescription: String? { description }
}

/// Output folders, checked before any work: `predict`, `evaluate` and `train` call `prepare` before
/// the first inference, so a typo or a read-only volume costs nothing and loses nothing.
public enum OutputFolder {
    /// Creates `path` (and its parents) when missing and proves it writable by creating and
    /// removing a probe file in it.
    /// - Throws: `OutputFolderError` naming the folder: a file of that name, a folder that cannot
    ///   be created, or one that cannot be written (read-only volume, permissions, full disk).
    @discardableResult
    public static func prepare(_ path: String) throws -> URL {
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw OutputFolderError.notAFolder(path: path) }
        } else {
            do {
                try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            } catch {
                throw OutputFolderError.cannotCreate(path: path, reason: reason(creating: url, error))
            }
        }
        let probe = url.appendingPathComponent(".nucleiseg-write-test.\(getpid())")
        let descriptor = open(probe.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw OutputFolderError.notWritable(path: path, reason: FileSystemMessage.text(errno: errno)) }
        close(descriptor)
        unlink(probe.path)
        return url
    }

    /// Removes the `.NAME.PID.tmp` files of `AtomicFile` and `OutputSet` whose process no longer
    /// exists (killed mid-write); a live process's, ours included, are left alone.
    /// - Returns: the paths removed.
    @discardableResult
    public static func removeStaleTemporaryFiles(in folders: [URL]) -> [String] {
        var removed: [String] = []
        for folder in folders {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { continue }
            for name in names where name.hasPrefix(".") && name.hasSuffix(".tmp") {
                let parts = name.dropLast(4).split(separator: ".")
                guard parts.count >= 2, let last = parts.last, let pid = Int32(last), pid > 0, pid != getpid() else { continue }
                guard kill(pid, 0) != 0 && errno == ESRCH else { continue }
                let path = folder.appendingPathComponent(name).path
                if unlink(path) == 0 { removed.append(path) }
            }
        }
        return removed
    }

    /// The reason a folder could not be created, naming a parent that is a file when that is why.
    private static func reason(creating url: URL, _ error: Error) -> String {
        var parent = url.deletingLastPathComponent()
        while parent.path != "/" && !parent.path.isEmpty {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: parent.path, isDirectory: &isDirectory) {
                if !isDirectory.boolValue { return "\(parent.path) is a file, not a folder" }
                break
            }
            parent = parent.deletingLastPathComponent()
        }
        return FileSystemMessage.reason(error)
    }
}
