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
        if image.bitDepth == 8 {
            return try encode(Raster<UInt8>(width: image.width, height: image.height, channels: image.channels,
                                            samples: image.samples.map { UInt8(truncatingIfNeeded: $0) }), path: path)
        }
        guard image.channels == 1 else {
            throw .encodingFailed(path: path, message: "16-bit PNG is written as gray only, got \(image.channels) channels")
        }
        return try encode(samples: image.samples, width: image.width, height: image.height, channels: 1, bitDepth: 16, path: path)
    }

    /// Encodes an 8-bit raster (1 to 4 channels: gray, gray+alpha, RGB, RGBA) as PNG, e.g. a
    /// figure's canvas (`RGBCanvas.raster`).
    /// - Throws: `ImagingError.encodingFailed` for libpng errors.
    public static func encode(_ raster: Raster<UInt8>, path: String = "<memory>") throws(ImagingError) -> [UInt8] {
        precondition((1...4).contains(raster.channels), "PNG holds 1 to 4 channels, got \(raster.channels)")
        return try encode(samples: raster.samples, width: raster.width, height: raster.height, channels: raster.channels, bitDepth: 8, path: path)
    }

    /// libpng's encoder over `samples` (native-endian 16-bit ones for `bitDepth` 16).
    private static func encode<Sample>(samples: [Sample], width: Int, height: Int, channels: Int, bitDepth: Int32,
                                       path: String) throws(ImagingError) -> [UInt8] {
        var message = CErrorMessage()
        var output: UnsafeMutablePointer<UInt8>? = nil
        var size = 0
        let status = samples.withUnsafeBytes { input in
            message.storage.withUnsafeMutableBufferPointer { error in
                nsio_png_encode(input.baseAddress, UInt32(width), UInt32(height), Int32(channels),
                                bitDepth, &output, &size, error.baseAddress, error.count)
            }
        }
        guard status == 0, let output else { throw .encodingFailed(path: path, message: message.text) }
        defer { nsio_free(output) }
        return Array(UnsafeBufferPointer(start: output, count: size))
    }

    /// Encodes and writes a PNG file.
    public static func write(_ image: PixelImage, to url: URL) throws(ImagingError) {
        let bytes = try encode(image, path: url.path)
        do throws(AtomicFile.Failure) {
            try AtomicFile.write(Data(bytes), to: url)
        } catch {
            throw .encodingFailed(path: url.path, message: error.reason)
        }
    }
}
