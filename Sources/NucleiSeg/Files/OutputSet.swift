import Foundation
import NucleiNN
import _FileSystemMessages

/// Files that must appear together or not at all (one image's mask, labels, CSV and overlay).
///
/// Every file is first written under a temporary name in its final folder (`.NAME.PID.tmp`);
/// only when all are written are they renamed into place, one rename each (atomic per file, and
/// all in one folder, so no copy). On any failure every temporary file and every file already
/// renamed is removed, so a full disk or a name taken by a folder leaves no partial set.
public struct OutputSet {
    private var pending: [(temporary: URL, final: URL)] = []

    public init() {}

    /// Writes `data` under a temporary name next to `url`.
    /// - Throws: `CheckpointError.unwritable` naming `url`; earlier files of the set are removed.
    public mutating func add(_ data: Data, to url: URL) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        do {
            try data.write(to: temporary)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            discard()
            throw CheckpointError.unwritable(path: url.path, reason: FileSystemMessage.reason(error))
        }
        pending.append((temporary, url))
    }

    /// The temporary name for `url`, registered with the set: for a file too large to hold in
    /// memory, which its writer fills in place (streamed labels). It is renamed by `commit` and
    /// removed by `discard` like the others.
    public mutating func reserve(_ url: URL) -> URL {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        pending.append((temporary, url))
        return temporary
    }

    /// Renames every file into place, or, on the first failure, removes the whole set.
    /// - Returns: the final URLs in the order they were added.
    public mutating func commit() throws -> [URL] {
        var renamed: [URL] = []
        for (temporary, final) in pending {
            if rename(temporary.path, final.path) != 0 {
                let reason = FileSystemMessage.text(errno: errno)
                for url in renamed { try? FileManager.default.removeItem(at: url) }
                discard()
                throw CheckpointError.unwritable(path: final.path, reason: reason)
            }
            renamed.append(final)
        }
        pending = []
        return renamed
    }

    /// Removes the temporary files written so far.
    public mutating func discard() {
        for (temporary, _) in pending { try? FileManager.default.removeItem(at: temporary) }
        pending = []
    }
}
