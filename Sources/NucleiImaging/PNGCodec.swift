import _CImageIO
import Foundation
import _FileSystemMessages

/// PNG decoding and encoding through libpng (in `_CImageIO`, which owns the setjmp).
///
/// Decoding delivers 8- or 16-bit samples: 1-, 2- and 4-bit gray are expanded to 8-bit,
/// palette images become RGB (RGBA when the palette has transparency), 16-bit stays 16-bit.
public enum PNGCodec {
    /// Decodes a PNG held in memory; `path` names the file in errors.
    /// - Throws: `ImagingError.corruptImage` with libpng's message, `.imageTooLarge` before
    ///   any pixel buffer is allocated.
    public static func decode(_ bytes: [UInt8], path: String, limit: ImageSizeLimit = .standard) throws(ImagingError) -> PixelImage {
        var message = CErrorMessage()
        var info = nsio_image_info()
        let infoStatus = bytes.withUnsafeBufferPointer { data in
            message.storage.withUnsafeMutableBufferPointer { error in
                nsio_png_read_info(data.baseAddress, data.count, &info, error.baseAddress, error.count)
            }
        }
        guard infoStatus == 0 else { throw .corruptImage(path: path, format: "PNG", message: message.text) }
        let width = Int(info.width), height = Int(info.height)
        let channels = Int(info.channels), depth = Int(info.bit_depth)
        try limit.check(width: width, height: height, path: path)
        guard (1...4).contains(channels), depth == 8 || depth == 16 else {
            throw .unsupportedImage(path: path, detail: "PNG decodes to \(channels) channels of \(depth) bits")
        }
        let count = width * height * channels
        var samples: [UInt16]
        var status: Int32
        if depth == 16 {
            samples = [UInt16](repeating: 0, count: count)
            status = bytes.withUnsafeBufferPointer { data in
                samples.withUnsafeMutableBytes { output in
                    message.storage.withUnsafeMutableBufferPointer { error in
                        nsio_png_decode(data.baseAddress, data.count, output.baseAddress, output.count,
                                        error.baseAddress, error.count)
                    }
                }
            }
        } else {
            var bytes8 = [UInt8](repeating: 0, count: count)
            status = bytes.withUnsafeBufferPointer { data in
                bytes8.withUnsafeMutableBytes { output in
                    message.storage.withUnsafeMutableBufferPointer { error in
                        nsio_png_decode(data.baseAddress, data.count, output.baseAddress, output.count,
                                        error.baseAddress, error.count)
                    }
                }
            }
            samples = bytes8.map { UInt16($0) }
        }
        guard status == 0 else { throw .corruptImage(path: path, format: "PNG", message: message.text) }
        return PixelImage(width: width, height: height, channels: channels, bitDepth: depth, samples: samples)
    }

    /// Encodes an image as PNG: 8-bit gray, gray+alpha, RGB, RGBA, or 16-bit gray (16-bit
    /// instance labels). Samples above the bit depth's maximum are a programmer error.
    /// - Throws: `ImagingError.encodingFailed` for formats we do not write or libpng errors.
    public static func encode(_ image: PixelImage, path: String = "<memory>") throws(ImagingError) -> [UInt8] {
        if image.bitDepth == 16 && image.channels != 1 {
            throw .encodingFailed(path: path, message: "16-bit PNG is written as gray only, got \(image.channels) channels")
        }
        var message = CErrorMessage()
        var output: UnsafeMutablePointer<UInt8>? = nil
        var size = 0
        let status: Int32
        if image.bitDepth == 8 {
            let bytes = image.samples.map { UInt8(truncatingIfNeeded: $0) }
            status = bytes.withUnsafeBytes { input in
                message.storage.withUnsafeMutableBufferPointer { error in
                    nsio_png_encode(input.baseAddress, UInt32(image.width), UInt32(image.height), Int32(image.channels),
                                    8, &output, &size, error.baseAddress, error.count)
                }
            }
        } else {
            status = image.samples.withUnsafeBytes { input in
                message.storage.withUnsafeMutableBufferPointer { error in
                    nsio_png_encode(input.baseAddress, UInt32(image.width), UInt32(image.height), Int32(image.channels),
                                    16, &output, &size, error.baseAddress, error.count)
                }
            }
        }
        guard status == 0, let output else { throw .encodingFailed(path: path, message: message.text) }
        defer { nsio_free(output) }
        return Array(UnsafeBufferPointer(start: output, count: size))
    }

    /// Encodes and writes a PNG file.
    public static func write(_ image: PixelImage, to url: URL) throws(ImagingError) {
        let bytes = try encode(image, path: url.path)
        do {
            try Data(bytes).write(to: url, options: .atomic)
        } catch {
            throw .encodingFailed(path: url.path, message: FileSystemMessage.reason(error))
        }
    }
}
