import Foundation
import _FileSystemMessages

/// The largest image we agree to decode, checked from the header before any pixel buffer
/// is allocated (a damaged or hostile header claiming 60000x60000 must not cost gigabytes).
public struct ImageSizeLimit: Sendable, Equatable {
    /// Longest side accepted, in pixels.
    public var maximumSide: Int
    /// Largest width * height accepted.
    public var maximumPixels: Int

    public init(maximumSide: Int = 65_535, maximumPixels: Int = 1 << 28) {
        self.maximumSide = maximumSide
        self.maximumPixels = maximumPixels
    }

    /// 65,535 per side and 2^28 (268 million) pixels: a whole-slide tile fits, a bogus header does not.
    public static let standard = ImageSizeLimit()

    /// Throws `ImagingError.imageTooLarge` unless `width` x `height` is within the limit.
    public func check(width: Int, height: Int, path: String) throws(ImagingError) {
        if width > maximumSide || height > maximumSide || width * height > maximumPixels {
            throw .imageTooLarge(path: path, width: width, height: height,
                                 limit: "\(maximumSide) per side and \(maximumPixels) pixels")
        }
        if width <= 0 || height <= 0 {
            throw .unsupportedImage(path: path, detail: "the header claims \(width)x\(height) pixels")
        }
    }
}

/// The file formats we read, recognised by their first bytes (never by the file name).
public enum ImageFormat: String, Sendable {
    case png = "PNG"
    case tiff = "TIFF"

    /// Detects the format from the signature, or returns nil.
    public static func detect(_ bytes: [UInt8]) -> ImageFormat? {
        if bytes.count >= 8, bytes[0..<8].elementsEqual([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            return .png
        }
        if bytes.count >= 4 {
            let head = Array(bytes[0..<4])
            // Classic TIFF (42) and BigTIFF (43), little- and big-endian.
            if head == [0x49, 0x49, 0x2A, 0x00] || head == [0x4D, 0x4D, 0x00, 0x2A]
                || head == [0x49, 0x49, 0x2B, 0x00] || head == [0x4D, 0x4D, 0x00, 0x2B] {
                return .tiff
            }
        }
        return nil
    }

    /// The name of a common image format we do not read (JPEG, GIF, BMP, WebP, JPEG 2000), from
    /// its signature, so that the message can say so instead of "not a PNG or TIFF".
    public static func unsupportedName(_ bytes: [UInt8]) -> String? {
        func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
            bytes.count >= offset + prefix.count && bytes[offset..<(offset + prefix.count)].elementsEqual(prefix)
        }
        if starts([0xFF, 0xD8, 0xFF]) { return "JPEG" }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return "GIF" }
        if starts(Array("BM".utf8)) && bytes.count >= 14 { return "BMP" }
        if starts(Array("RIFF".utf8)) && starts(Array("WEBP".utf8), at: 8) { return "WebP" }
        if starts([0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20]) || starts([0xFF, 0x4F, 0xFF, 0x51]) { return "JPEG 2000" }
        return nil
    }
}

/// Reading any supported image file into a `PixelImage`.
public enum ImageFile {
    /// File name extensions the dataset readers treat as images.
    public static let imageExtensions: Set<String> = ["png", "tif", "tiff"]

    /// Reads and decodes a PNG or TIFF file at native resolution.
    ///
    /// - Parameters:
    ///   - url: the file; its format is detected from its first bytes.
    ///   - channel: for a multi-page or multi-sample TIFF, the plane to read (0-based; planes
    ///     are numbered page by page, sample by sample). Nil for ordinary images.
    ///   - limit: the size limit checked before allocating.
    /// - Throws: `ImagingError` naming the file (empty, unknown format, damaged, too large,
    ///   unsupported sample format, ambiguous channels).
    public static func read(_ url: URL, channel: Int? = nil, limit: ImageSizeLimit = .standard) throws(ImagingError) -> PixelImage {
        let bytes = try readBytes(url)
        return try decode(bytes, path: url.path, channel: channel, limit: limit)
    }

    /// Decodes an in-memory PNG or TIFF; `path` only names the file in errors.
    public static func decode(_ bytes: [UInt8], path: String, channel: Int? = nil,
                              limit: ImageSizeLimit = .standard) throws(ImagingError) -> PixelImage {
        if bytes.isEmpty { throw .emptyFile(path: path) }
        switch ImageFormat.detect(bytes) {
        case .png:
            if let channel, channel != 0 {
                throw .ambiguousChannels(path: path, shape: "a PNG image",
                                         hint: "--channel \(channel) applies to multi-plane TIFF files only")
            }
            return try PNGCodec.decode(bytes, path: path, limit: limit)
        case .tiff:
            return try TIFFCodec.decode(bytes, path: path, channel: channel, limit: limit)
        case nil:
            if let format = ImageFormat.unsupportedName(bytes) { throw .unsupportedFormat(path: path, format: format) }
            let head = bytes.prefix(8).map { byte -> String in
                (0x20..<0x7F).contains(byte) ? String(UnicodeScalar(byte)) : "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }.joined()
            throw .unknownFormat(path: path, firstBytes: "\"\(head)\"")
        }
    }

    /// The whole file as bytes.
    public static func readBytes(_ url: URL) throws(ImagingError) -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw .unreadableFile(path: url.path, reason: FileProbe.kind(of: url.path).missingReason ?? "no such file")
        }
        if isDirectory.boolValue { throw .unreadableFile(path: url.path, reason: "it is a folder; expected an image file") }
        do {
            return [UInt8](try Data(contentsOf: url))
        } catch {
            throw .unreadableFile(path: url.path, reason: FileSystemMessage.reason(error))
        }
    }
}

/// A fixed-size buffer for the C glue's error messages.
struct CErrorMessage {
    static let capacity = 512
    var storage = [CChar](repeating: 0, count: capacity)

    var text: String {
        let bytes = storage.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        let message = String(decoding: bytes, as: UTF8.self)
        return message.isEmpty ? "unknown error" : message
    }
}
