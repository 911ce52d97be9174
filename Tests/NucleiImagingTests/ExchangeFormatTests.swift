import Foundation
import NucleiImaging
import Testing

@Suite struct ZipArchiveTests {
    @Test func crc32OfTheStandardCheckString() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([]) == 0)
    }

    @Test func oneStoredEntryLayout() throws {
        var archive = ZipArchive()
        try archive.add(name: "a.txt", data: Array("hi".utf8))
        let zip = try archive.finished()
        #expect(zip.count == 30 + 5 + 2 + 46 + 5 + 22)
        #expect(Array(zip[0..<4]) == [0x50, 0x4B, 0x03, 0x04])
        #expect(Array(zip[14..<18]) == [0xAC, 0x2A, 0x93, 0xD8])  // CRC-32 of "hi", 0xD8932AAC little-endian
        #expect(Array(zip[30..<37]) == Array("a.txthi".utf8))
        let end = Array(zip.suffix(22))
        #expect(Array(end[0..<4]) == [0x50, 0x4B, 0x05, 0x06])
        #expect(end[10] == 1 && end[12] == 51 && end[16] == 37)  // 1 entry, directory of 51 bytes at offset 37
    }

    /// The archive as `unzip` (Info-ZIP) reads it: names, sizes and a CRC test of every entry.
    @Test func unzipReadsAndVerifiesIt() throws {
        let unzip = URL(fileURLWithPath: "/usr/bin/unzip")
        try #require(FileManager.default.isExecutableFile(atPath: unzip.path), "unzip is installed by scripts/setup.sh")
        var archive = ZipArchive()
        let big = (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try archive.add(name: "img_labels.png", data: big)
        try archive.add(name: "img_nuclei.csv", data: Array("label,area\n1,12\n".utf8))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("zip-test-\(getpid()).zip")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(archive.finished()).write(to: file)
        let test = try run(unzip, ["-t", file.path])
        #expect(test.status == 0)
        #expect(test.output.contains("No errors detected"))
        let csv = try run(unzip, ["-p", file.path, "img_nuclei.csv"])
        #expect(csv.output == "label,area\n1,12\n")
        let listing = try run(unzip, ["-l", file.path])
        #expect(listing.output.contains("70000"))
        #expect(listing.output.contains("2 files"))
    }

    private func run(_ tool: URL, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = tool
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

}

@Suite struct TIFFLabelsTests {
    @Test func sixteenBitLabelsRoundTripWithPixelSize() throws {
        let labels = LabelImage(width: 3, height: 2, labels: [0, 1, 65535, 2, 2, 0])
        let tiff = try TIFFCodec.encodeLabels(labels, pixelSize: PixelSize(micrometres: 0.25))
        let image = try ImageFile.decode(tiff, path: "labels.tif")
        #expect(image.bitDepth == 16 && image.width == 3 && image.height == 2)
        #expect(image.samples == [0, 1, 65535, 2, 2, 0])
        #expect(try TIFFCodec.pixelSize(tiff, path: "labels.tif") == PixelSize(micrometres: 0.25))
    }

    @Test func moreThan65535LabelsAre32Bit() throws {
        let labels = LabelImage(width: 2, height: 1, labels: [70_000, 1])
        let tiff = try TIFFCodec.encodeLabels(labels)
        // Our reader takes 8/16-bit images only, so the 32-bit file is refused naming its depth.
        #expect(throws: ImagingError.unsupportedImage(path: "big.tif", detail: "TIFF with 32-bit samples")) {
            try ImageFile.decode(tiff, path: "big.tif")
        }
        #expect(try TIFFCodec.pixelSize(tiff, path: "big.tif") == nil)
    }

    @Test func pixelSizeOfAnUncommonValueSurvivesTheRational() throws {
        let tiff = try TIFFCodec.encodeLabels(LabelImage(width: 1, height: 1, labels: [1]), pixelSize: PixelSize(micrometres: 0.325))
        let size = try #require(try TIFFCodec.pixelSize(tiff, path: "x.tif"))
        #expect(abs(size.micrometres - 0.325) < 1e-6)
    }

    @Test func pixelSizeRules() {
        #expect(TIFFCodec.interpretPixelSize(xResolution: 20_000, unit: 3, description: "") == PixelSize(micrometres: 0.5))
        #expect(TIFFCodec.interpretPixelSize(xResolution: 25_400, unit: 2, description: "") == PixelSize(micrometres: 1))
        #expect(TIFFCodec.interpretPixelSize(xResolution: 72, unit: 2, description: "") == nil)
        #expect(TIFFCodec.interpretPixelSize(xResolution: 4, unit: 1, description: "ImageJ=1.54f\nunit=micron\n") == PixelSize(micrometres: 0.25))
        #expect(TIFFCodec.interpretPixelSize(xResolution: 0.01, unit: 1, description: "ImageJ=1.54f\nunit=nm\n") == PixelSize(micrometres: 0.1))
        #expect(TIFFCodec.interpretPixelSize(xResolution: 4, unit: 1, description: "") == nil)
        #expect(TIFFCodec.interpretPixelSize(xResolution: 0, unit: 0, description: "") == nil)
        let ome = "<?xml version=\"1.0\"?><OME xmlns=\"x\"><Image><Pixels PhysicalSizeX=\"0.65\" PhysicalSizeXUnit=\"µm\" SizeX=\"4\"/></Image></OME>"
        #expect(TIFFCodec.interpretPixelSize(xResolution: 72, unit: 2, description: ome) == PixelSize(micrometres: 0.65))
        let omeNanometres = "<OME><Pixels PhysicalSizeX=\"130\" PhysicalSizeXUnit=\"nm\"/></OME>"
        #expect(abs((TIFFCodec.interpretPixelSize(xResolution: 0, unit: 0, description: omeNanometres)?.micrometres ?? 0) - 0.13) < 1e-12)
        #expect(PixelSize.parse("0.325") == PixelSize(micrometres: 0.325))
        #expect(PixelSize.parse("-1") == nil && PixelSize.parse("abc") == nil && PixelSize.parse("0") == nil && PixelSize.parse("inf") == nil)
    }
}
