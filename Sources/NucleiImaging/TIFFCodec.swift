import _CImageIO

/// TIFF decoding through libtiff (messages go into the error, never to stderr).
///
/// Reads 8- and 16-bit unsigned single-plane images (gray), and RGB/RGBA images. A TIFF with
/// several pages or several non-RGB samples per pixel (a z-stack, a multi-channel acquisition)
/// has no single obvious image: decoding it throws `ImagingError.ambiguousChannels` naming its
/// shape, unless `channel` picks one plane (planes are numbered page by page, then sample).
public enum TIFFCodec {
    static let photometricMinIsWhite: Int32 = 0
    static let photometricRGB: Int32 = 2
    static let photometricPalette: Int32 = 3

    /// Decodes a TIFF held in memory; `path` names the file in errors.
    public static func decode(_ bytes: [UInt8], path: String, channel: Int? = nil,
                              limit: ImageSizeLimit = .standard) throws(ImagingError) -> PixelImage {
        let first = try info(bytes, path: path, page: 0)
        let pages = Int(first.pages), samplesPerPixel = Int(first.samples_per_pixel)
        let planes = pages * samplesPerPixel
        let shape = "a TIFF of \(pages) page\(pages == 1 ? "" : "s") x \(first.width)x\(first.height) x \(samplesPerPixel) sample\(samplesPerPixel == 1 ? "" : "s") per pixel, \(first.bit_depth)-bit"
        let isColor = pages == 1 && first.photometric == photometricRGB && (samplesPerPixel == 3 || samplesPerPixel == 4)

        var page = 0, sample = 0, outputChannels = 1
        if let channel {
            guard (0..<planes).contains(channel) else {
                throw .ambiguousChannels(path: path, shape: shape, hint: "--channel \(channel) is out of range; choose 0...\(planes - 1)")
            }
            page = channel / samplesPerPixel
            sample = channel % samplesPerPixel
        } else if isColor {
            outputChannels = samplesPerPixel
        } else if planes > 1 {
            throw .ambiguousChannels(path: path, shape: shape,
                                     hint: "expected a single-plane image; choose one plane with --channel 0...\(planes - 1)")
        }
        let pageInfo = page == 0 ? first : try info(bytes, path: path, page: page)
        let width = Int(pageInfo.width), height = Int(pageInfo.height), depth = Int(pageInfo.bit_depth)
        try limit.check(width: width, height: height, path: path)
        guard depth == 8 || depth == 16 else {
            throw .unsupportedImage(path: path, detail: "TIFF with \(depth)-bit samples")
        }
        guard pageInfo.sample_format == 1 || pageInfo.sample_format == 4 else {
            let kinds: [Int32: String] = [2: "signed integer", 3: "floating-point"]
            throw .unsupportedImage(path: path, detail: "TIFF with \(kinds[pageInfo.sample_format] ?? "format \(pageInfo.sample_format)") samples")
        }
        if pageInfo.photometric == photometricPalette {
            throw .unsupportedImage(path: path, detail: "palette (colour-mapped) TIFF")
        }

        let planePixels = width * height
        var samples = [UInt16](repeating: 0, count: planePixels * outputChannels)
        for outputChannel in 0..<outputChannels {
            let plane = try decodePlane(bytes, path: path, page: page, sample: outputChannels > 1 ? outputChannel : sample,
                                        pixels: planePixels, depth: depth)
            for index in 0..<planePixels { samples[index * outputChannels + outputChannel] = plane[index] }
        }
        if pageInfo.photometric == photometricMinIsWhite && outputChannels == 1 {
            let maximum = UInt16(depth == 8 ? 255 : 65535)
            for index in samples.indices { samples[index] = maximum - samples[index] }
        }
        return PixelImage(width: width, height: height, channels: outputChannels, bitDepth: depth, samples: samples)
    }

    static func info(_ bytes: [UInt8], path: String, page: Int) throws(ImagingError) -> nsio_image_info {
        var message = CErrorMessage()
        var info = nsio_image_info()
        let status = bytes.withUnsafeBufferPointer { data in
            message.storage.withUnsafeMutableBufferPointer { error in
                nsio_tiff_read_info(data.baseAddress, data.count, Int32(page), &info, error.baseAddress, error.count)
            }
        }
        guard status == 0 else { throw .corruptImage(path: path, format: "TIFF", message: message.text) }
        return info
    }

    static func decodePlane(_ bytes: [UInt8], path: String, page: Int, sample: Int, pixels: Int, depth: Int) throws(ImagingError) -> [UInt16] {
        var message = CErrorMessage()
        var status: Int32
        var plane: [UInt16]
        if depth == 16 {
            plane = [UInt16](repeating: 0, count: pixels)
            status = bytes.withUnsafeBufferPointer { data in
                plane.withUnsafeMutableBytes { output in
                    message.storage.withUnsafeMutableBufferPointer { error in
                        nsio_tiff_decode_plane(data.baseAddress, data.count, Int32(page), Int32(sample),
                                               output.baseAddress, output.count, error.baseAddress, error.count)
                    }
                }
            }
        } else {
            var plane8 = [UInt8](repeating: 0, count: pixels)
            status = bytes.withUnsafeBufferPointer { data in
                plane8.withUnsafeMutableBytes { output in
                    message.storage.withUnsafeMutableBufferPointer { error in
                        nsio_tiff_decode_plane(data.baseAddress, data.count, Int32(page), Int32(sample),
                                               output.baseAddress, output.count, error.baseAddress, error.count)
                    }
                }
            }
            plane = plane8.map { UInt16($0) }
        }
        if status == -2 { throw .unsupportedImage(path: path, detail: message.text) }  // NSIO_ERROR_UNSUPPORTED
        guard status == 0 else { throw .corruptImage(path: path, format: "TIFF", message: message.text) }
        return plane
    }
}
