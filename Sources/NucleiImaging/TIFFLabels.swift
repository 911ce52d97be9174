import Foundation
import _CImageIO
import _FileSystemMessages

extension TIFFCodec {
    /// Encodes instance labels as a single-page, deflate-compressed gray TIFF that Fiji, napari
    /// (tifffile) and QuPath open as a label image: 16-bit unsigned when every label fits
    /// (≤ 65535), else 32-bit unsigned. The ImageDescription is an ImageJ header
    /// (`ImageJ=1.11a`, `images=1`, `min`/`max` for the display range, and `unit=micron` with a
    /// pixel size), and a pixel size is stored as ImageJ stores it: XResolution = YResolution =
    /// pixels per micrometre with ResolutionUnit "none", which tifffile and Fiji read back as
    /// the calibration.
    /// - Throws: `ImagingError.encodingFailed` naming `path` (negative labels; libtiff errors).
    public static func encodeLabels(_ labels: LabelImage, pixelSize: PixelSize? = nil, path: String = "<memory>") throws(ImagingError) -> [UInt8] {
        var maximum: Int32 = 0
        for value in labels.labels {
            guard value >= 0 else { throw .encodingFailed(path: path, message: "negative label \(value) in a label image") }
            maximum = max(maximum, value)
        }
        var description = "ImageJ=1.11a\nimages=1\n"
        if let pixelSize {
            description += "unit=micron\n"
        }
        description += "min=0.0\nmax=\(Double(maximum))\n"
        let resolution = pixelSize.map { 1 / $0.micrometres } ?? 0
        let unit: Int32 = pixelSize == nil ? 0 : 1  // RESUNIT_NONE: ImageJ's way to say "per unit in the description"
        var message = CErrorMessage()
        var output: UnsafeMutablePointer<UInt8>? = nil
        var size = 0
        let status: Int32
        if maximum <= 65535 {
            let samples = labels.labels.map { UInt16(truncatingIfNeeded: $0) }
            status = samples.withUnsafeBytes { input in
                message.storage.withUnsafeMutableBufferPointer { error in
                    nsio_tiff_encode_gray(input.baseAddress, UInt32(labels.width), UInt32(labels.height), 16, resolution, resolution, unit,
                                          description, &output, &size, error.baseAddress, error.count)
                }
            }
        } else {
            let samples = labels.labels.map { UInt32($0) }
            status = samples.withUnsafeBytes { input in
                message.storage.withUnsafeMutableBufferPointer { error in
                    nsio_tiff_encode_gray(input.baseAddress, UInt32(labels.width), UInt32(labels.height), 32, resolution, resolution, unit,
                                          description, &output, &size, error.baseAddress, error.count)
                }
            }
        }
        guard status == 0, let output else { throw .encodingFailed(path: path, message: message.text) }
        defer { nsio_free(output) }
        return Array(UnsafeBufferPointer(start: output, count: size))
    }

    /// The pixel size a TIFF declares, or nil when it declares none (or only the 72 dpi that
    /// image editors write by default). Read, in this order: OME-XML `PhysicalSizeX` (with its
    /// unit, micrometres by default); ResolutionUnit centimetre or inch; an ImageJ header's
    /// `unit=` (micron, µm, um, nm, mm) with ResolutionUnit none.
    /// - Throws: `ImagingError.corruptImage` when the file is not a readable TIFF.
    public static func pixelSize(_ bytes: [UInt8], path: String, page: Int = 0) throws(ImagingError) -> PixelSize? {
        var message = CErrorMessage()
        var x = 0.0, y = 0.0
        var unit: Int32 = 0
        var description = [CChar](repeating: 0, count: 1 << 16)
        let status = bytes.withUnsafeBufferPointer { data in
            description.withUnsafeMutableBufferPointer { text in
                message.storage.withUnsafeMutableBufferPointer { error in
                    nsio_tiff_read_resolution(data.baseAddress, data.count, Int32(page), &x, &y, &unit, text.baseAddress, text.count,
                                              error.baseAddress, error.count)
                }
            }
        }
        guard status == 0 else { throw .corruptImage(path: path, format: "TIFF", message: message.text) }
        let text = String(decoding: description.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return interpretPixelSize(xResolution: x, unit: unit, description: text)
    }

    /// The rules of `pixelSize(_:path:page:)` on already-read tags (tested without files).
    /// libtiff hands resolutions over as 32-bit floats, so sizes derived from them are rounded
    /// to 7 significant digits (0.65 µm stays 0.65, not 0.6499999884).
    public static func interpretPixelSize(xResolution: Double, unit: Int32, description: String) -> PixelSize? {
        if let ome = omePhysicalSizeX(description) { return ome }
        return resolutionPixelSize(xResolution: xResolution, unit: unit, description: description).map {
            let magnitude = (log10($0.micrometres)).rounded(.down)
            let scale = pow(10, 6 - magnitude)
            return PixelSize(micrometres: ($0.micrometres * scale).rounded() / scale)
        }
    }

    static func resolutionPixelSize(xResolution: Double, unit: Int32, description: String) -> PixelSize? {
        guard xResolution.isFinite, xResolution > 0 else { return nil }
        switch unit {
        case 3: return PixelSize(micrometres: 10_000 / xResolution)
        case 2:
            // 72 (and 96, 300) dpi is what editors write when they know nothing.
            if [72, 96, 300].contains(xResolution) { return nil }
            return PixelSize(micrometres: 25_400 / xResolution)
        case 1:
            guard description.hasPrefix("ImageJ="), let unitName = imageJValue("unit", in: description) else { return nil }
            let perUnit: [String: Double] = ["micron": 1, "microns": 1, "µm": 1, "\u{03BC}m": 1, "um": 1, "nm": 0.001, "mm": 1000, "cm": 10_000]
            guard let scale = perUnit[unitName] else { return nil }
            return PixelSize(micrometres: scale / xResolution)
        default: return nil
        }
    }

    static func imageJValue(_ key: String, in description: String) -> String? {
        for line in description.split(separator: "\n") where line.hasPrefix(key + "=") {
            return String(line.dropFirst(key.count + 1)).trimmingCharacters(in: .whitespaces)
        }
        return nil
    }

    static func omePhysicalSizeX(_ description: String) -> PixelSize? {
        guard description.contains("<OME"), let value = xmlAttribute("PhysicalSizeX", in: description),
              let number = Double(value), number.isFinite, number > 0 else { return nil }
        let unit = xmlAttribute("PhysicalSizeXUnit", in: description) ?? "µm"
        let perUnit: [String: Double] = ["µm": 1, "\u{03BC}m": 1, "um": 1, "nm": 0.001, "mm": 1000, "cm": 10_000, "m": 1e6]
        guard let scale = perUnit[unit] else { return nil }
        return PixelSize(micrometres: number * scale)
    }

    static func xmlAttribute(_ name: String, in text: String) -> String? {
        guard let start = text.range(of: " \(name)=\"") else { return nil }
        let rest = text[start.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
    }
}

extension ImageFile {
    /// The pixel size `url` declares in its metadata (TIFF resolution tags, ImageJ or OME-XML
    /// description), or nil (PNG files and TIFFs without calibration).
    /// - Throws: `ImagingError` when the file cannot be read.
    public static func pixelSize(of url: URL, channel: Int? = nil) throws(ImagingError) -> PixelSize? {
        let bytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: url))
        } catch {
            throw .unreadableFile(path: url.path, reason: FileSystemMessage.reason(error))
        }
        guard ImageFormat.detect(bytes) == .tiff else { return nil }
        return try TIFFCodec.pixelSize(bytes, path: url.path)
    }
}
