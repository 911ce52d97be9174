import Foundation
import NucleiImaging

/// Fixture writers independent of libpng/libtiff: PNG and TIFF files built byte by byte, so
/// the decoders are checked against files we did not write with the code under test, and so
/// we can build damaged files (bad CRC, truncation, bogus headers) on purpose.
enum RawPNG {
    /// PNG colour types.
    static let gray: UInt8 = 0, rgb: UInt8 = 2, palette: UInt8 = 3, grayAlpha: UInt8 = 4, rgba: UInt8 = 6

    /// A non-interlaced PNG with stored (uncompressed) deflate blocks.
    /// - Parameter samples: row-major interleaved samples; 16-bit ones are written big-endian.
    static func make(width: Int, height: Int, bitDepth: Int, colorType: UInt8, samples: [Int],
                     palette: [UInt8]? = nil, transparency: [UInt8]? = nil) -> [UInt8] {
        let channels = [0: 1, 2: 3, 3: 1, 4: 2, 6: 4][Int(colorType)]!
        var raw: [UInt8] = []
        // Bit depths below 8 pass packed bytes, one row of ceil(width * channels * bits / 8).
        let rowSamples = bitDepth < 8 ? (width * channels * bitDepth + 7) / 8 : width * channels
        for y in 0..<height {
            raw.append(0)  // filter: none
            let row = samples[(y * rowSamples)..<((y + 1) * rowSamples)]
            if bitDepth == 16 {
                for value in row { raw += [UInt8(value >> 8), UInt8(value & 0xFF)] }
            } else {
                raw += row.map { UInt8($0) }
            }
        }
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        png += chunk("IHDR", bigEndian32(width) + bigEndian32(height) + [UInt8(bitDepth), colorType, 0, 0, 0])
        if let palette { png += chunk("PLTE", palette) }
        if let transparency { png += chunk("tRNS", transparency) }
        png += chunk("IDAT", zlibStored(raw))
        png += chunk("IEND", [])
        return png
    }

    /// Only the signature and an IHDR: enough for a header pass.
    static func headerOnly(width: Int, height: Int, bitDepth: Int = 8, colorType: UInt8 = gray) -> [UInt8] {
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
            + chunk("IHDR", bigEndian32(width) + bigEndian32(height) + [UInt8(bitDepth), colorType, 0, 0, 0])
            + chunk("IDAT", zlibStored([0]))
            + chunk("IEND", [])
    }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        return bigEndian32(data.count) + typeBytes + data + bigEndian32(Int(crc32(typeBytes + data)))
    }

    static func bigEndian32(_ value: Int) -> [UInt8] {
        [UInt8((value >> 24) & 0xFF), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var output: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let length = min(65535, data.count - offset)
            let final: UInt8 = offset + length == data.count ? 1 : 0
            output += [final, UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8((~length >> 8) & 0xFF)]
            output += data[offset..<(offset + length)]
            offset += length
        } while offset < data.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in data {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        return output + bigEndian32(Int((b << 16) | a))
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc & 1) == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}

enum RawTIFF {
    /// An uncompressed little-endian TIFF, one strip per page, contiguous samples.
    /// - Parameter pages: per page, row-major interleaved samples.
    static func make(width: Int, height: Int, bitDepth: Int, samplesPerPixel: Int = 1, photometric: Int = 1,
                     pages: [[Int]]) -> [UInt8] {
        var out: [UInt8] = [0x49, 0x49, 0x2A, 0x00, 0, 0, 0, 0]
        var nextOffsetPosition = 4
        for page in pages {
            let dataOffset = out.count
            for value in page {
                if bitDepth == 16 { out += [UInt8(value & 0xFF), UInt8(value >> 8)] } else { out.append(UInt8(value)) }
            }
            let dataBytes = out.count - dataOffset
            var bitsValue = bitDepth
            if samplesPerPixel > 2 {
                if out.count % 2 == 1 { out.append(0) }
                bitsValue = out.count
                for _ in 0..<samplesPerPixel { out += little16(bitDepth) }
            } else if samplesPerPixel == 2 {
                bitsValue = bitDepth | (bitDepth << 16)
            }
            if out.count % 2 == 1 { out.append(0) }
            patch(&out, at: nextOffsetPosition, out.count)
            let entries: [(Int, Int, Int, Int)] = [
                (256, 4, 1, width), (257, 4, 1, height), (258, 3, samplesPerPixel, bitsValue), (259, 3, 1, 1),
                (262, 3, 1, photometric), (273, 4, 1, dataOffset), (277, 3, 1, samplesPerPixel),
                (278, 4, 1, height), (279, 4, 1, dataBytes), (284, 3, 1, 1),
            ]
            out += little16(entries.count)
            for (tag, type, count, value) in entries {
                out += little16(tag) + little16(type) + little32(count) + little32(value)
            }
            nextOffsetPosition = out.count
            out += little32(0)
        }
        return out
    }

    static func little16(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF)] }
    static func little32(_ value: Int) -> [UInt8] { little16(value & 0xFFFF) + little16((value >> 16) & 0xFFFF) }
    static func patch(_ bytes: inout [UInt8], at position: Int, _ value: Int) {
        bytes.replaceSubrange(position..<(position + 4), with: little32(value))
    }
}

/// A fresh temporary folder, removed by `remove()`.
struct TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("nucleiseg-imaging-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// Writes `bytes` at `relativePath`, creating folders.
    @discardableResult
    func write(_ bytes: [UInt8], to relativePath: String) throws -> URL {
        let file = url.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: file)
        return file
    }

    func makeFolder(_ relativePath: String) throws {
        try FileManager.default.createDirectory(at: url.appendingPathComponent(relativePath), withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// Small fixtures shared by the reader tests.
enum Fixtures {
    /// An 8-bit gray PNG of `width` x `height` whose pixel (x, y) is `(x + y * width) % 256`.
    static func grayPNG(width: Int = 4, height: Int = 3) -> [UInt8] {
        RawPNG.make(width: width, height: height, bitDepth: 8, colorType: RawPNG.gray,
                    samples: (0..<(width * height)).map { $0 % 256 })
    }

    /// A 16-bit label PNG with `labels` (row-major).
    static func labelPNG(width: Int, height: Int, labels: [Int]) -> [UInt8] {
        RawPNG.make(width: width, height: height, bitDepth: 16, colorType: RawPNG.gray, samples: labels)
    }

    /// A 4x3 label image with two nuclei (labels 1 and 2).
    static let twoNuclei = [1, 1, 0, 0,
                            0, 0, 0, 2,
                            0, 0, 2, 2]
}

/// The package root, found from this file's location (for the bundled data).
func packageRoot(_ file: String = #filePath) -> URL {
    var folder = URL(fileURLWithPath: file).deletingLastPathComponent()
    while folder.path != "/" {
        if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) { return folder }
        folder = folder.deletingLastPathComponent()
    }
    return folder
}
