import Foundation

/// Turns a Foundation or POSIX file error into a short sentence ("permission denied", "read-only
/// file system") for the documented error enums, so no `NSCocoaErrorDomain Code=…` text ever
/// reaches a user.
public enum FileSystemMessage {
    /// What went wrong, in words, without the path (the caller's error names it).
    public static func reason(_ error: Error) -> String {
        if let posix = error as? POSIXError { return text(errno: posix.code.rawValue) }
        let bridged = error as NSError
        if let underlying = bridged.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return text(errno: Int32(underlying.code))
        }
        if bridged.domain == NSPOSIXErrorDomain { return text(errno: Int32(bridged.code)) }
        guard bridged.domain == NSCocoaErrorDomain else { return "error \(bridged.code) (\(bridged.domain))" }
        switch CocoaError.Code(rawValue: bridged.code) {
        case .fileNoSuchFile, .fileReadNoSuchFile: return "no such file or folder"
        case .fileReadNoPermission, .fileWriteNoPermission: return "permission denied"
        case .fileWriteFileExists: return "a file of that name already exists"
        case .fileWriteVolumeReadOnly: return "read-only file system"
        case .fileWriteOutOfSpace: return "no space left on device"
        case .fileReadTooLarge: return "the file is too large to read"
        case .fileReadCorruptFile, .fileReadUnknown, .fileReadInvalidFileName: return "the file cannot be read"
        default: return "file system error \(bridged.code)"
        }
    }

    /// `strerror` in lower case ("No such file or directory" -> "no such file or directory").
    public static func text(errno code: Int32) -> String {
        let message = String(cString: strerror(code))
        return message.prefix(1).lowercased() + message.dropFirst()
    }
}
