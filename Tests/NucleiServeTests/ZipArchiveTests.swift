import Foundation
import Testing
import NucleiServe

struct ZipArchiveTests {
    @Test func crc32MatchesTheStandardCheckValue() {
        // The check value of CRC-32/ISO-HDLC for the ASCII digits "123456789".
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([]) == 0)
    }

    @Test func headersHoldTheHandComputedFields() throws {
        var archive = ZipArchive()
        try archive.add(name: "a.txt", contents: Array("hi".utf8))
        let bytes = archive.bytes
        // Local header 30 + 5 + 2 = 37 bytes; central header 46 + 5 = 51; end record 22.
        #expect(bytes.count == 37 + 51 + 22)
        #expect(Array(bytes[0..<4]) == [0x50, 0x4B, 0x03, 0x04])
        let crc = CRC32.checksum(Array("hi".utf8))
        #expect(Array(bytes[14..<18]) == [UInt8(crc & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 24)])
        #expect(Array(bytes[18..<22]) == [2, 0, 0, 0])
        #expect(String(decoding: bytes[30..<35], as: UTF8.self) == "a.txt")
        let end = bytes.count - 22
        #expect(Array(bytes[end..<(end + 4)]) == [0x50, 0x4B, 0x05, 0x06])
        #expect(bytes[end + 10] == 1)  // one entry
        #expect(bytes[end + 16] == 37)  // the central directory starts after the one local entry
    }

    /// The archive as `unzip` (Info-ZIP) reads it: names, sizes and a CRC test of every entry.
    @Test func unzipReadsAndVerifiesIt() throws {
        let unzip = URL(fileURLWithPath: "/usr/bin/unzip")
        try #require(FileManager.default.isExecutableFile(atPath: unzip.path), "unzip is installed by scripts/setup.sh")
        var archive = ZipArchive()
        let big = (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try archive.add(name: "img_labels.png", contents: big)
        try archive.add(name: "img_nuclei.csv", contents: Array("label,area\n1,12\n".utf8))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("zip-test-\(getpid()).zip")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(archive.bytes).write(to: file)
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
