import Foundation
import NucleiImaging
import Testing

/// Issue 12: formats named, links named, libtiff's internals kept out of messages, fuzz findings.
struct ReliabilityTests {
    /// Found by `scripts/fuzz.sh` (heap-buffer-overflow in the TIFF scanline copy): a 2x1 YCbCr
    /// TIFF (photometric 6) whose subsampled rows are shorter than one sample per pixel.
    static let subsampledYCbCrTIFF = Array(Data(base64Encoded:
        "SUkqABQAAAAAAQIDBAUIAAgACAAKAAABAwABAAAAAgAAAAEBAwABAAAAAQAAAAIBAwADAAAADgAAAAMBAwABAAAAAQAAAAYBAwABAAAABgAAABEBBAABAAAACAAAABUBAwABAAAAAwAAABYBAwABAAAAAQAAABcBBAABAAAABgAAABwBAwABAAAAAQAAAAAAAAA=")!)

    @Test(arguments: [nil, 0, 1, 2] as [Int?])
    func fuzzFindingSubsampledTIFFIsRefusedNotOverread(channel: Int?) {
        let error = #expect(throws: ImagingError.self) {
            try ImageFile.decode(Self.subsampledYCbCrTIFF, path: "ycbcr.tif", channel: channel)
        }
        #expect(error?.description.hasPrefix("ycbcr.tif:") == true, "\(String(describing: error))")
    }

    /// Found by `scripts/fuzz.sh` (out of memory: a 12 GB malloc): a 1x1 tiled TIFF whose header
    /// claims enormous tiles.
    static let hugeTileTIFF = Array(Data(base64Encoded:
        "SUkqABQAAAAAAQIDBAUIAAgACAAKAAABAwABAAAAAQAA/wEBAwABAAAAAQAAAAIBAwADAAAADgAAAAMBAwABAAAAAQAAAAYBAwABAAAAAAACABEBBAABAAAACAAAABUBAwABAAAAAwAAABYBAwABAAAAAQAAAEIBBAABAAAABgAA8fHx8fHx8fHx8fHx8fHx8fHx8fHx8fHx8fHx8fHx8fHx8fHx8fHx8fHx8fHx8fHx8fHx8fHx8fHx8fHx8fHx8fHx8fHx8fHx8fHxABwBAwABAAAAAQAAAAAAAAA=")!)

    @Test(arguments: [nil, 0, 1, 2] as [Int?])
    func fuzzFindingHugeTilesAreRefusedBeforeAllocating(channel: Int?) {
        let error = #expect(throws: ImagingError.self) {
            try ImageFile.decode(Self.hugeTileTIFF, path: "tiles.tif", channel: channel)
        }
        #expect(error?.description.hasPrefix("tiles.tif:") == true, "\(String(describing: error))")
        if channel != nil { #expect(error?.description.contains("larger than the 1x1 image allows") == true, "\(String(describing: error))") }
    }

    /// The committed seed corpus must decode, or the fuzzer starts from nothing useful.
    @Test func fuzzSeedsDecode() throws {
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("fuzz/corpus")
        let names = try FileManager.default.contentsOfDirectory(atPath: corpus.path).filter { !$0.hasPrefix("st-") }
        #expect(names.count >= 8)
        for name in names {
            let bytes = Array(try Data(contentsOf: corpus.appendingPathComponent(name)).dropFirst())
            let channel: Int? = name.contains("pages") ? 1 : nil
            #expect(throws: Never.self, "\(name)") { try ImageFile.decode(bytes, path: name, channel: channel) }
        }
    }

    @Test(arguments: [
        ("photo.jpg", [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 0x4A, 0x46, 0x49, 0x46], "JPEG"),
        ("anim.gif", Array("GIF89a\u{1}\u{0}\u{1}\u{0}".utf8), "GIF"),
        ("image.webp", Array("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 ".utf8), "WebP"),
    ] as [(String, [UInt8], String)])
    func otherFormatsAreNamedAsUnsupported(name: String, bytes: [UInt8], format: String) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = try folder.write(bytes, to: name)
        let error = #expect(throws: ImagingError.self) { try ImageFile.read(file) }
        #expect(error?.description == "\(file.path): \(format) is not supported; convert to PNG or TIFF")
    }

    @Test func danglingLinkAndLinkLoopAreNamed() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let dangling = folder.url.appendingPathComponent("dangling.png").path
        let loop = folder.url.appendingPathComponent("loop.png").path
        #expect(symlink(folder.url.appendingPathComponent("gone.png").path, dangling) == 0)
        #expect(symlink(loop, loop) == 0)
        #expect(FileProbe.kind(of: dangling) == .danglingLink(target: folder.url.appendingPathComponent("gone.png").path))
        #expect(FileProbe.kind(of: loop) == .linkLoop)
        let danglingError = #expect(throws: ImagingError.self) { try ImageFile.read(URL(fileURLWithPath: dangling)) }
        #expect(danglingError?.description.contains("dangling symbolic link") == true, "\(String(describing: danglingError))")
        let loopError = #expect(throws: ImagingError.self) { try ImageFile.read(URL(fileURLWithPath: loop)) }
        #expect(loopError?.description.contains("symbolic link loop") == true, "\(String(describing: loopError))")
        // A dataset folder that is a broken link says so too, not "no such folder".
        let datasetError = #expect(throws: ImagingError.self) { try DatasetInspector.inspect(URL(fileURLWithPath: dangling)) }
        #expect(datasetError?.description.contains("dangling symbolic link") == true, "\(String(describing: datasetError))")
    }

    /// A strip offset past the end of the file: libtiff speaks of "scanline 4294967295"; we say
    /// which row of the named file cannot be read.
    @Test func unreadableTIFFRowIsExplainedInOurWords() throws {
        var bytes = RawTIFF.make(width: 4, height: 2, bitDepth: 8, pages: [Array(0..<8)])
        let stripOffsetTag: [UInt8] = [0x11, 0x01, 0x04, 0x00]
        let entry = try #require((0..<(bytes.count - 12)).first { Array(bytes[$0..<($0 + 4)]) == stripOffsetTag })
        RawTIFF.patch(&bytes, at: entry + 8, 1_000_000)
        let error = #expect(throws: ImagingError.self) { try ImageFile.decode(bytes, path: "strip.tif") }
        let message = error?.description ?? ""
        #expect(message.hasPrefix("strip.tif: "), "\(message)")
        #expect(!message.contains("4294967295") && !message.lowercased().contains("scanline"), "\(message)")
        #expect(message.contains("row 1 of 2"), "\(message)")
    }

    @Test func inspectCountsImagesWithoutMasks() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write(Fixtures.grayPNG(), to: "images/a.png")
        try folder.write(Fixtures.grayPNG(), to: "images/b.png")
        try folder.write(Fixtures.labelPNG(width: 4, height: 3, labels: Array(repeating: 1, count: 12)), to: "masks/a.png")
        let report = try DatasetInspector.inspect(folder.url)
        #expect(report.imageCount == 2)
        #expect(report.imagesWithoutMask == 1)
        #expect(report.description.contains("images    2 (1 without a mask"), "\(report.description)")
        #expect(report.hasBlockingProblems)
    }
}
