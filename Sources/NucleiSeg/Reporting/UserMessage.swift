import Foundation
import _FileSystemMessages

/// The one-line text a command prints for an error.
///
/// Our error enums already name the file and what was expected. A Foundation error that slipped
/// through (a bug: every file operation should map its errors) still gets words and its path,
/// never `NSCocoaErrorDomain Code=… UserInfo={…}`.
public enum UserMessage {
    public static func text(for error: Error) -> String {
        let bridged = error as NSError
        if bridged.domain == NSCocoaErrorDomain || bridged.domain == NSPOSIXErrorDomain {
            let path = (bridged.userInfo[NSFilePathErrorKey] as? String) ?? (bridged.userInfo[NSURLErrorKey] as? URL)?.path
            return (path.map { "\($0): " } ?? "") + FileSystemMessage.reason(error)
        }
        return (error as? LocalizedError)?.errorDescription ?? String(describing: error)
    }
}
