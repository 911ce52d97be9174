#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import _FileSystemMessages

/// What a path is, without following a broken symbolic link into a misleading "not found" or
/// "no images": `FileManager.fileExists` says false for a dangling link and for a link loop alike.
public enum FileProbe: Equatable, Sendable {
    case file
    case folder
    case missing
    /// A symbolic link whose target does not exist.
    case danglingLink(target: String)
    /// A symbolic link that leads back to itself (ELOOP).
    case linkLoop
    /// Anything else stat refuses (permission denied on a parent folder…), in words.
    case inaccessible(reason: String)

    public static func kind(of path: String) -> FileProbe {
        var status = stat()
        if stat(path, &status) == 0 { return (status.st_mode & S_IFMT) == S_IFDIR ? .folder : .file }
        let error = errno
        if error == ELOOP { return .linkLoop }
        var linkStatus = stat()
        if lstat(path, &linkStatus) == 0, (linkStatus.st_mode & S_IFMT) == S_IFLNK {
            var buffer = [CChar](repeating: 0, count: 4096)
            let length = readlink(path, &buffer, buffer.count - 1)
            let target = length > 0 ? String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self) : "?"
            return error == ENOENT ? .danglingLink(target: target) : .inaccessible(reason: FileSystemMessage.text(errno: error))
        }
        if error == ENOENT || error == ENOTDIR { return .missing }
        return .inaccessible(reason: FileSystemMessage.text(errno: error))
    }

    /// Why the path cannot be opened, in words; nil for a file or folder.
    public var missingReason: String? {
        switch self {
        case .file, .folder: return nil
        case .missing: return "no such file or folder"
        case let .danglingLink(target): return "a dangling symbolic link (its target \(target) does not exist)"
        case .linkLoop: return "a symbolic link loop (the link leads back to itself)"
        case let .inaccessible(reason): return reason
        }
    }
}
