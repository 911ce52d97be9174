import Foundation
import NucleiImaging
import Testing

/// Every bad input the issue lists: a clear error naming the file, never a crash or hang.
struct BadInputTests {
    static let validPNG = Fixtures.grayPNG(width: 4, height: 3)

    static let damagedFiles: [(name: String, bytes: [UInt8], expectation: String)] = {
        var badCRC = validPNG
        badCRC[badCRC.count - 13] ^= 0xFF  // last byte of the IDAT CRC
        return [
            ("empty.png", [], "empty"),
            ("truncated.png", Array(validPNG.prefix(validPNG.count - 20)), "damaged PNG"),
            ("text.png", Array("this is not an image\n".utf8), "not a PNG or TIFF"),
            ("badcrc.png", badCRC, "CRC"),
            ("huge.png", RawPNG.headerOnly(width: 60000, height: 60000), "60000x60000"),
            ("signature-only.png", Array(validPNG.prefix(8)), "damaged PNG"),
        ]
    }()

    @Test(arguments: damagedFiles)
    func damagedFileIsAnErrorNamingIt(name: String, bytes: [UInt8], expectation: String) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = try folder.write(bytes, to: name)
        let error = #expect(throws: ImagingError.self) { try ImageFile.read(file) }
        let message = error?.description ?? ""
        #expect(message.hasPrefix(file.path + ":"), "\(message)")
        #expect(message.contains(expectation), "\(message)")
    }

    @Test(arguments: damagedFiles)
    func damagedImageMakesInspectionFail(name: String, bytes: [UInt8], expectation: String) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write(bytes, to: "images/\(name)")
        try folder.write(Fixtures.labelPNG(width: 4, height: 3, labels: Fixtures.twoNuclei), to: "masks/\(name)")
        let report = try DatasetInspector.inspect(folder.url)
        #expect(report.hasBlockingProblems)
        #expect(report.problems.contains { $0.description.contains("images/\(name)") && $0.description.contains(expectation) })
    }

    @Test func hugeHeaderIsRefusedBeforeDecoding() {
        let error = #expect(throws: ImagingError.self) { try ImageFile.decode(RawPNG.headerOnly(width: 60000, height: 60000), path: "h.png") }
        guard case .imageTooLarge(_, 60000, 60000, _) = error else {
            Issue.record("expected imageTooLarge, got \(String(describing: error))")
            return
        }
    }

    @Test func headerBeyondLibpngLimitIsAnError() {
        #expect(throws: ImagingError.self) { try ImageFile.decode(RawPNG.headerOnly(width: 2_000_000, height: 1), path: "wide.png") }
    }

    @Test func maskSizeDiffersFromImage() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write(Fixtures.grayPNG(width: 4, height: 3), to: "images/a.png")
        try folder.write(Fixtures.labelPNG(width: 3, height: 3, labels: Array(repeating: 1, count: 9)), to: "masks/a.png")
        let report = try DatasetInspector.inspect(folder.url)
        #expect(report.hasBlockingProblems)
        let line = report.problems.first?.description ?? ""
        #expect(line.contains("masks/a.png") && line.contains("3x3") && line.contains("4x3"), "\(line)")
    }

    @Test func imageWithoutMask() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write(Fixtures.grayPNG(), to: "train/images/a.png")
        try folder.write(Fixtures.grayPNG(), to: "train/images/b.png")
        try folder.write(Fixtures.labelPNG(width: 4, height: 3, labels: Fixtures.twoNuclei), to: "train/masks/a.png")
        let report = try DatasetInspector.inspect(folder.url)
        #expect(report.hasBlockingProblems)
        #expect(report.problems.map(\.description) == ["error: \(folder.url.path)/train/images/b.png: image has no mask; expected train/masks/b.png or .tif"])
        #expect(throws: ImagingError.self) { try Dataset.open(folder.url) }
    }

    @Test func emptyFolder() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let error = #expect(throws: ImagingError.self) { try DatasetInspector.inspect(folder.url) }
        #expect(error == .emptyDataset(path: folder.url.path))
    }

    @Test func emptyLayoutFolders() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.makeFolder("images")
        try folder.makeFolder("masks")
        #expect(throws: ImagingError.emptyDataset(path: folder.url.path)) { try Dataset.scan(folder.url) }
    }

    @Test func unknownLayout() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write(Fixtures.grayPNG(), to: "pictures/a.png")
        try folder.write(Array("notes".utf8), to: "readme.txt")
        let error = #expect(throws: ImagingError.self) { try DatasetInspector.inspect(folder.url) }
        let message = error?.description ?? ""
        #expect(message.hasPrefix(folder.url.path) && message.contains("unknown dataset layout") && message.contains("pictures/"), "\(message)")
    }

    @Test func unknownLayoutName() throws {
        #expect(throws: ImagingError.unknownLayoutName("tiles")) { try DatasetLayout.parse("tiles") }
        #expect(try DatasetLayout.parse("auto") == nil)
        #expect(try DatasetLayout.parse("DSB2018") == .dsb2018)
    }

    @Test func missingFolderIsAnError() {
        let error = #expect(throws: ImagingError.self) { try DatasetInspector.inspect(URL(fileURLWithPath: "/nonexistent/nuclei")) }
        #expect(error?.description.hasPrefix("/nonexistent/nuclei") == true)
    }

    @Test func pairsNamesThatDoNotMatch() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write(Fixtures.grayPNG(), to: "train/inputs/cell_001.png")
        try folder.write(Fixtures.grayPNG(), to: "train/inputs/cell_002.png")
        try folder.write(Fixtures.labelPNG(width: 4, height: 3, labels: Fixtures.twoNuclei), to: "train/masks/cell_001.png")
        try folder.write(Fixtures.labelPNG(width: 4, height: 3, labels: Fixtures.twoNuclei), to: "train/masks/cell_002_mask.png")
        let report = try DatasetInspector.inspect(folder.url)
        #expect(report.layout == .pairs && report.hasBlockingProblems)
        let lines = report.problems.map(\.description)
        #expect(lines.contains { $0.hasPrefix("error: \(folder.url.path)/train/inputs/cell_002.png: image has no mask") })
        #expect(lines.contains { $0.hasPrefix("warning: \(folder.url.path)/train/masks/cell_002_mask.png: mask has no image") })
        #expect(lines.contains { $0.contains("do not match") && $0.contains("cell_002.png") && $0.contains("cell_002_mask.png") })
    }
}
