import Foundation
import NucleiImaging
import Testing

/// Region reads of tiled and striped TIFFs against whole-image decodes, and the tiled BigTIFF
/// writer read back.
struct TIFFRegionReaderTests {
    static func folder(_ name: String) -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nucleiseg-region-tests-\(getpid())/\(name)")
        try? FileManager.default.removeItem(at: url)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A value per pixel that differs between neighbours and between tiles.
    static func value(x: Int, y: Int, bitDepth: Int) -> UInt32 {
        UInt32((x * 7 + y * 131 + (x * y) % 17) % (bitDepth == 8 ? 256 : 65536))
    }

    /// Writes a `width` x `height` tiled BigTIFF of `value` with our writer.
    static func writeTiled(_ url: URL, width: Int, height: Int, bitDepth: Int, tile: Int, pixelSize: PixelSize? = nil) throws {
        let writer = try TiledTIFFWriter(url: url, width: width, height: height, bitDepth: bitDepth, tileSize: tile, pixelSize: pixelSize)
        for top in stride(from: 0, to: height, by: tile) {
            for left in stride(from: 0, to: width, by: tile) {
                var values = [UInt32](repeating: 0, count: tile * tile)
                for row in 0..<tile where top + row < height {
                    for column in 0..<tile where left + column < width {
                        values[row * tile + column] = value(x: left + column, y: top + row, bitDepth: bitDepth)
                    }
                }
                try writer.writeTile(x: left, y: top, values: values)
            }
        }
        try writer.finish(description: "test")
    }

    static func crop(_ image: PixelImage, x: Int, y: Int, width: Int, height: Int) -> [UInt16] {
        (y..<(y + height)).flatMap { row in (x..<(x + width)).map { image.samples[row * image.width + $0] } }
    }

    static let regions = [(0, 0, 1, 1), (0, 0, 150, 70), (63, 63, 2, 2), (10, 50, 140, 47), (149, 96, 1, 1), (0, 0, 150, 97), (64, 0, 64, 97)]

    @Test(arguments: [8, 16])
    func tiledBigTIFFRegionsEqualTheWholeDecode(bitDepth: Int) throws {
        let url = Self.folder("tiled-\(bitDepth)").appendingPathComponent("tiled.tif")
        try Self.writeTiled(url, width: 150, height: 97, bitDepth: bitDepth, tile: 64)
        let bytes = try ImageFile.readBytes(url)
        #expect(Array(bytes.prefix(4)) == [0x49, 0x49, 0x2B, 0x00])  // little-endian BigTIFF
        let whole = try ImageFile.decode(bytes, path: url.path)
        #expect(whole.width == 150 && whole.height == 97 && whole.bitDepth == bitDepth)
        #expect(whole.samples == (0..<97).flatMap { y in (0..<150).map { UInt16(Self.value(x: $0, y: y, bitDepth: bitDepth)) } })
        let reader = try TIFFRegionReader(url: url)
        #expect(reader.isTiled && reader.width == 150 && reader.height == 97 && reader.channels == 1 && reader.bitDepth == bitDepth)
        for (x, y, width, height) in Self.regions {
            let region = try reader.read(x: x, y: y, width: width, height: height)
            #expect(region.samples == Self.crop(whole, x: x, y: y, width: width, height: height), "region \(width)x\(height) at (\(x), \(y))")
        }
    }

    @Test func stripedRegionsEqualTheWholeDecodeInAnyOrder() throws {
        // Deflate strips (our label encoder: several rows per strip) and one uncompressed strip.
        let labels = LabelImage(width: 150, height: 97, labels: (0..<(150 * 97)).map { Int32(Self.value(x: $0 % 150, y: $0 / 150, bitDepth: 16)) })
        let deflate = try TIFFCodec.encodeLabels(labels)
        let raw = RawTIFF.make(width: 150, height: 97, bitDepth: 16, pages: [labels.labels.map(Int.init)])
        for (name, bytes) in [("deflate.tif", deflate), ("raw.tif", raw)] {
            let url = Self.folder("striped").appendingPathComponent(name)
            try Data(bytes).write(to: url)
            let whole = try ImageFile.decode(bytes, path: name)
            let reader = try TIFFRegionReader(url: url)
            #expect(!reader.isTiled)
            // Backwards too: libtiff restarts a strip when an earlier row is asked for.
            for (x, y, width, height) in Self.regions.reversed() + Self.regions {
                let region = try reader.read(x: x, y: y, width: width, height: height)
                #expect(region.samples == Self.crop(whole, x: x, y: y, width: width, height: height), "\(name): region at (\(x), \(y))")
            }
        }
    }

    @Test func rgbAndChosenPlanesAndMinIsWhiteFollowTheWholeDecoder() throws {
        let folder = Self.folder("planes")
        let rgb = RawTIFF.make(width: 2, height: 2, bitDepth: 8, samplesPerPixel: 3, photometric: 2, pages: [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]])
        try Data(rgb).write(to: folder.appendingPathComponent("rgb.tif"))
        let colour = try TIFFRegionReader(url: folder.appendingPathComponent("rgb.tif"))
        #expect(colour.channels == 3)
        #expect(try colour.read(x: 1, y: 0, width: 1, height: 2).samples == [4, 5, 6, 10, 11, 12])
        let stack = RawTIFF.make(width: 2, height: 1, bitDepth: 16, pages: [[1, 2], [3, 4]])
        let stackURL = folder.appendingPathComponent("stack.tif")
        try Data(stack).write(to: stackURL)
        #expect(throws: ImagingError.self) { try TIFFRegionReader(url: stackURL) }
        #expect(try TIFFRegionReader(url: stackURL, channel: 1).read(x: 0, y: 0, width: 2, height: 1).samples == [3, 4])
        let white = RawTIFF.make(width: 2, height: 1, bitDepth: 8, photometric: 0, pages: [[0, 200]])
        try Data(white).write(to: folder.appendingPathComponent("white.tif"))
        #expect(try TIFFRegionReader(url: folder.appendingPathComponent("white.tif")).read(x: 0, y: 0, width: 2, height: 1).samples == [255, 55])
    }

    @Test func theWriterStoresThePixelSizeAndReadsBack() throws {
        let url = Self.folder("calibrated").appendingPathComponent("calibrated.tif")
        try Self.writeTiled(url, width: 40, height: 20, bitDepth: 16, tile: 16, pixelSize: PixelSize(micrometres: 0.325))
        #expect(try TIFFRegionReader(url: url).pixelSize == PixelSize(micrometres: 0.325))
        #expect(try ImageFile.pixelSize(of: url) == PixelSize(micrometres: 0.325))
    }

    @Test func filesThatCannotBeReadByRegionNameTheFile() throws {
        let folder = Self.folder("bad")
        let png = folder.appendingPathComponent("cells.png")
        try Data(try PNGCodec.encode(PixelImage(width: 2, height: 2, channels: 1, bitDepth: 8, samples: [1, 2, 3, 4]), path: png.path)).write(to: png)
        for (url, words) in [(png, ["cells.png", "PNG", "TIFF"]), (folder.appendingPathComponent("missing.tif"), ["missing.tif"]),
                             (folder, ["folder"])] {
            let error = #expect(throws: ImagingError.self) { try TIFFRegionReader(url: url) }
            for word in words { #expect(error?.description.contains(word) == true, "\(error?.description ?? "") lacks \(word)") }
        }
        // Strip offset pointing past the end of the file: the header reads, the pixels do not.
        let truncated = folder.appendingPathComponent("truncated.tif")
        var bytes = RawTIFF.make(width: 64, height: 64, bitDepth: 16, pages: [[Int](repeating: 5, count: 64 * 64)])
        let directory = Int(bytes[4]) | Int(bytes[5]) << 8 | Int(bytes[6]) << 16 | Int(bytes[7]) << 24
        RawTIFF.patch(&bytes, at: directory + 2 + 5 * 12 + 8, 0x7FFF_0000)  // entry 5: StripOffsets
        try Data(bytes).write(to: truncated)
        let reader = try TIFFRegionReader(url: truncated)
        let error = #expect(throws: ImagingError.self) { try reader.read(x: 0, y: 0, width: 64, height: 64) }
        #expect(error?.description.hasPrefix(truncated.path) == true)
    }
}
