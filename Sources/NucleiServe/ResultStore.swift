import Foundation

/// The server's private temporary folder: each upload while it is segmented, and the outputs of
/// the last `capacity` results until the server stops.
///
/// The folder is made by `mkdtemp` (mode 0700: other users cannot list or read it) under the
/// system's temporary folder; `removeAll()` deletes it, and a folder left by a server that was
/// killed is removed by the next one that starts (its name holds the dead process's id).
actor ResultStore {
    struct Stored: Sendable {
        var response: SegmentationResponse
        var folder: URL
        var files: [OutputKind: URL]
    }

    nonisolated let root: URL
    private let capacity: Int
    private var results: [String: Stored] = [:]
    private var order: [String] = []
    private var nextNumber = 1

    static let prefix = "nucleiseg-serve-"

    init(capacity: Int) throws(ServeError) {
        self.capacity = max(1, capacity)
        let temporary = FileManager.default.temporaryDirectory
        Self.removeAbandonedFolders(in: temporary)
        var template = Array(temporary.appendingPathComponent("\(Self.prefix)\(getpid())-XXXXXX").path.utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in mkdtemp(buffer.baseAddress!) }
        guard made != nil else {
            throw .temporaryFolder(path: temporary.path, reason: String(cString: strerror(errno)))
        }
        root = URL(fileURLWithPath: String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    /// A fresh id with an upload folder and an output folder for it.
    func reserve() throws(ServeError) -> (id: String, upload: URL, output: URL) {
        let id = String(format: "%04d", nextNumber) + "-" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
        nextNumber += 1
        let upload = root.appendingPathComponent("uploads/\(id)")
        let output = root.appendingPathComponent("results/\(id)")
        do {
            try FileManager.default.createDirectory(at: upload, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        } catch {
            throw .temporaryFolder(path: upload.path, reason: error.localizedDescription)
        }
        return (id, upload, output)
    }

    /// Keeps a result; the oldest beyond `capacity` is deleted.
    func add(_ stored: Stored) {
        results[stored.response.id] = stored
        order.append(stored.response.id)
        while order.count > capacity {
            let oldest = order.removeFirst()
            if let dropped = results.removeValue(forKey: oldest) { try? FileManager.default.removeItem(at: dropped.folder) }
        }
    }

    func result(_ id: String) throws(ServeError) -> Stored {
        guard let stored = results[id] else { throw .resultNotFound(id: id) }
        return stored
    }

    var count: Int { results.count }

    /// Deletes the whole folder (at exit).
    nonisolated func removeAll() {
        try? FileManager.default.removeItem(at: root)
    }

    /// Removes `nucleiseg-serve-PID-*` folders whose process no longer exists.
    private static func removeAbandonedFolders(in folder: URL) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
        for name in names where name.hasPrefix(prefix) {
            let digits = name.dropFirst(prefix.count).prefix { $0.isNumber }
            guard let pid = Int32(digits), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
            try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))
        }
    }
}
