import Foundation
import _CImageIO

/// Reads rectangles of a TIFF file (classic or BigTIFF, tiled or striped) without decoding the
/// rest of it: the reader for images too large to hold whole (`predict`'s streaming mode).
///
/// The file stays open, unmapped, for the reader's life; a region costs its own samples plus one
/// tile or scanline of libtiff's. Which plane is read follows `TIFFCodec.decode`: one gray plane,
/// RGB (RGBA drops alpha) as three channels, or the plane `channel` picks from a multi-page or
/// multi-sample TIFF; MinIsWhite is inverted as there.
public final class TIFFRegionReader {
    public let path: String
    public let width: Int
    public let height: Int
    /// 8 or 16.
    public let bitDepth: Int
    /// Channels of the regions delivered: 1 (gray) or 3 (RGB).
    public let channels: Int
    /// Whether the page's tiles (not strips) are read.
    public let isTiled: Bool
    private let handle: OpaquePointer
    private let samples: [Int32]
    private let invert: Bool

    /// Opens `url` and checks the sample layout and the channel choice; reads no pixel data.
    /// - Throws: `ImagingError` naming the file: not a TIFF, damaged, unsupported samples,
    ///   ambiguous channels.
    public init(url: URL, channel: Int? = nil) throws(ImagingError) {
        path = url.path
        let head = try Self.firstBytes(url)
        guard ImageFormat.detect(head) == .tiff else {
            if ImageFormat.detect(head) == .png { throw .notRegionReadable(path: url.path, format: "PNG") }
            if let format = ImageFormat.unsupportedName(head) { throw .notRegionReadable(path: url.path, format: format) }
            throw .unknownFormat(path: url.path, firstBytes: "\"\(head.prefix(8).map { (0x20..<0x7F).contains($0) ? String(UnicodeScalar($0)) : "." }.joined())\"")
        }
        var (reader, first) = try Self.open(url.path, page: 0)
        let pages = Int(first.pages), samplesPerPixel = Int(first.samples_per_pixel), planes = pages * samplesPerPixel
        let shape = "a TIFF of \(pages) page\(pages == 1 ? "" : "s") x \(first.width)x\(first.height) x \(samplesPerPixel) sample\(samplesPerPixel == 1 ? "" : "s") per pixel, \(first.bit_depth)-bit"
        let isColor = pages == 1 && first.photometric == TIFFCodec.photometricRGB && (samplesPerPixel == 3 || samplesPerPixel == 4)
        var page = 0
        var chosen: [Int32] = [0]
        if let channel {
            guard (0..<planes).contains(channel) else {
                nsio_tiff_reader_close(reader)
                throw .ambiguousChannels(path: url.path, shape: shape, hint: "--channel \(channel) is out of range; choose 0...\(planes - 1)")
            }
            page = channel / samplesPerPixel
            chosen = [Int32(channel % samplesPerPixel)]
        } else if isColor {
            chosen = [0, 1, 2]
        } else if planes > 1 {
            nsio_tiff_reader_close(reader)
            throw .ambiguousChannels(path: url.path, shape: shape, hint: "expected a single-plane image; choose one plane with --channel 0...\(planes - 1)")
        }
        if page != 0 {
            nsio_tiff_reader_close(reader)
            (reader, first) = try Self.open(url.path, page: page)
        }
        if first.photometric == TIFFCodec.photometricPalette {
            nsio_tiff_reader_close(reader)
            throw .unsupportedImage(path: url.path, detail: "palette (colour-mapped) TIFF")
        }
        handle = reader
        width = Int(first.width)
        height = Int(first.height)
        bitDepth = Int(first.bit_depth)
        channels = chosen.count
        samples = chosen
        invert = first.photometric == TIFFCodec.photometricMinIsWhite && chosen.count == 1
        isTiled = Self.tiled(reader)
    }

    deinit { nsio_tiff_reader_close(handle) }

    /// The `width` x `height` region whose top-left pixel is (x, y), which must lie inside the image.
    /// - Throws: `ImagingError.corruptImage` naming the file when its data cannot be decoded.
    public func read(x: Int, y: Int, width regionWidth: Int, height regionHeight: Int) throws(ImagingError) -> PixelImage {
        precondition(x >= 0 && y >= 0 && regionWidth > 0 && regionHeight > 0 && x + regionWidth <= width && y + regionHeight <= height,
                     "region \(regionWidth)x\(regionHeight) at (\(x), \(y)) outside the \(width)x\(height) image")
        let count = regionWidth * regionHeight
        var output = [UInt16](repeating: 0, count: count * channels)
        var message = CErrorMessage()
        for (channel, sample) in samples.enumerated() {
            var status: Int32 = 0
            if bitDepth == 16 {
                var plane = [UInt16](repeating: 0, count: count)
                status = plane.withUnsafeMutableBytes { buffer in
                    message.storage.withUnsafeMutableBufferPointer { error in
                        nsio_tiff_reader_read_region(handle, sample, UInt32(x), UInt32(y), UInt32(regionWidth), UInt32(regionHeight),
                                                     buffer.baseAddress, buffer.count, error.baseAddress, error.count)
                    }
                }
                if channels == 1 { output = plane } else { for index in 0..<count { output[index * channels + channel] = plane[index] } }
            } else {
                var plane = [UInt8](repeating: 0, count: count)
                status = plane.withUnsafeMutableBytes { buffer in
                    message.storage.withUnsafeMutableBufferPointer { error in
                        nsio_tiff_reader_read_region(handle, sample, UInt32(x), UInt32(y), UInt32(regionWidth), UInt32(regionHeight),
                                                     buffer.baseAddress, buffer.count, error.baseAddress, error.count)
                    }
                }
                for index in 0..<count { output[index * channels + channel] = UInt16(plane[index]) }
            }
            guard status == 0 else { throw .corruptImage(path: path, format: "TIFF", message: message.text) }
        }
        if invert {
            let maximum = UInt16(bitDepth == 8 ? 255 : 65535)
            for index in output.indices { output[index] = maximum - output[index] }
        }
        return PixelImage(width: regionWidth, height: regionHeight, channels: channels, bitDepth: bitDepth, samples: output)
    }

    /// The pixel size the page declares (as `TIFFCodec.pixelSize`), read from its tags only.
    public var pixelSize: PixelSize? {
        var x = 0.0, y = 0.0
        var unit: Int32 = 0
        var description = [CChar](repeating: 0, count: 1 << 16)
        _ = description.withUnsafeMutableBufferPointer { text in
            nsio_tiff_reader_resolution(handle, &x, &y, &unit, text.baseAddress, text.count)
        }
        let text = String(decoding: description.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return TIFFCodec.interpretPixelSize(xResolution: x, unit: unit, description: text)
    }

    private static func tiled(_ reader: OpaquePointer) -> Bool { nsio_tiff_reader_is_tiled(reader) != 0 }

    private static func open(_ path: String, page: Int) throws(ImagingError) -> (OpaquePointer, nsio_image_info) {
        var message = CErrorMessage()
        var info = nsio_image_info()
        var reader: OpaquePointer? = nil
        let status = message.storage.withUnsafeMutableBufferPointer { error in
            nsio_tiff_reader_open(path, Int32(page), &reader, &info, error.baseAddress, error.count)
        }
        if status == -2 { throw .unsupportedImage(path: path, detail: message.text) }
        guard status == 0, let reader else { throw .corruptImage(path: path, format: "TIFF", message: message.text) }
        return (reader, info)
    }

    /// The first bytes of the file, to recognise its format (errors name the file).
    private static func firstBytes(_ url: URL) throws(ImagingError) -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw .unreadableFile(path: url.path, reason: FileProbe.kind(of: url.path).missingReason ?? "no such file")
        }
        if isDirectory.boolValue { throw .unreadableFile(path: url.path, reason: "it is a folder; expected an image file") }
        guard let file = FileHandle(forReadingAtPath: url.path) else { throw .unreadableFile(path: url.path, reason: "permission denied") }
        defer { try? file.close() }
        let bytes = [UInt8]((try? file.read(upToCount: 16)) ?? Data())
        if bytes.isEmpty { throw .emptyFile(path: url.path) }
        return bytes
    }
}
