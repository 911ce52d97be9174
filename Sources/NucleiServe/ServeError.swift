import Foundation

/// What the server answers when a request cannot be served; each case has the HTTP status it is
/// sent with and a one-line message that the page shows as it is.
public enum ServeError: Error, LocalizedError, CustomStringConvertible, Equatable {
    /// The upload is larger than `--max-upload-mb` (refused from its Content-Length before any of
    /// the body is read, or as soon as a body without one passes the limit).
    case uploadTooLarge(bytes: Int?, limit: Int)
    case emptyUpload
    case malformedForm(reason: String)
    case invalidOption(name: String, value: String, expected: String)
    /// The image could not be read or segmented (a corrupt or unsupported file, too many nuclei for
    /// 16-bit labels); `message` is what `nucleiseg predict` prints for it.
    case segmentationFailed(message: String)
    case resultNotFound(id: String)
    case archiveTooLarge(name: String)
    case temporaryFolder(path: String, reason: String)

    /// The HTTP status code the error is answered with.
    public var status: Int {
        switch self {
        case .uploadTooLarge: return 413
        case .emptyUpload, .invalidOption, .malformedForm: return 400
        case .segmentationFailed: return 422
        case .resultNotFound: return 404
        case .archiveTooLarge, .temporaryFolder: return 500
        }
    }

    public var description: String {
        switch self {
        case let .uploadTooLarge(bytes, limit):
            let size = bytes.map { "upload of \(Self.megabytes($0))" } ?? "upload"
            return "\(size) is over this server's limit of \(Self.megabytes(limit)) (start it with --max-upload-mb to change it)"
        case .emptyUpload:
            return "the request has no image: send the file's bytes as the request body"
        case let .malformedForm(reason):
            return "the multipart/form-data upload cannot be read: \(reason); send one file field, or the file's bytes as the body"
        case let .invalidOption(name, value, expected):
            return "option \(name)=\(value) is not valid: expected \(expected)"
        case let .segmentationFailed(message):
            return message
        case let .resultNotFound(id):
            return "no result '\(id)' on this server (results are kept until the server stops, the oldest dropped past the limit)"
        case let .archiveTooLarge(name):
            return "\(name): too large for a ZIP archive without ZIP64 (4 GiB)"
        case let .temporaryFolder(path, reason):
            return "\(path): cannot create the server's temporary folder: \(reason)"
        }
    }

    public var errorDescription: String? { description }

    static func megabytes(_ bytes: Int) -> String {
        if bytes < 1_048_576 { return "\(Int((Double(bytes) / 1024).rounded())) kB" }
        let value = Double(bytes) / 1_048_576
        return value >= 10 || value == value.rounded() ? "\(Int(value.rounded())) MB" : String(format: "%.1f MB", value)
    }
}
