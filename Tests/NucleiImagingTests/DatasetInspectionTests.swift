import Foundation
import NucleiImaging
import Testing

struct DatasetInspectionTests {
    static let bundled = packageRoot().appendingPathComponent("data/nuclei-samples")

    @Test func bundledSamplesHave44ImagesAnd2872Nuclei() throws {
        let report = try DatasetInspector.inspect(Self.bundled)
        #expect(report.layout == .labels && report.layoutDetected)
        #expect(report.imageCount == 44 && report.maskFileCount == 44)
        #expect(report.nucleiCount == 2872)
        #expect(report.splits.map(\.name) == ["train", "val", "test"])
        #expect(report.splits.map(\.images) == [30, 3, 11])
        #expect(report.problems.isEmpty && !report.hasBlockingProblems)
        #expect(report.nucleiPerImage.min() == 8 && report.nucleiPerImage.max() == 175)
        #expect(report.bitDepths[8, default: 0] + report.bitDepths[16, default: 0] == 44)
        #expect(report.description.contains("images    44: train 30, val 3, test 11"))
        // One equivalent diameter per nucleus; every mask pixel in exactly one contour class.
        #expect(report.nucleusDiameters.count == 2872)
        #expect(report.contourClassPixels.reduce(0, +) == report.sizes.reduce(0) { total, entry in
            let side = entry.key.split(separator: "x").compactMap { Int($0) }
            return total + side[0] * side[1] * entry.value
        })
        #expect(report.contourClassPixels[2] > 0 && report.contourClassPixels[2] < report.contourClassPixels[1])
        #expect(report.description.contains("diameter  median 27.1 px"), "\(report.description)")
    }

    @Test func contourClassesAndDiametersOfAHandMadeMask() throws {
        // One 6x6 nucleus in a 10x10 image: boundary = its outer 2-pixel ring (32 px), interior
        // the 2x2 centre (4 px).
        var labels = [Int32](repeating: 0, count: 100)
        for y in 2..<8 { for x in 2..<8 { labels[y * 10 + x] = 1 } }
        let counts = SegmentationHead.contour.classCounts(of: LabelImage(width: 10, height: 10, labels: labels))
        #expect(counts == [64, 4, 32])
    }

    @Test func bundledManifestAgreesWithTheMasks() throws {
        // manifest.tsv: split, name, height, width, bitdepth, nuclei (written by the data's converter).
        let manifest = try String(contentsOf: Self.bundled.appendingPathComponent("manifest.tsv"), encoding: .utf8)
        let rows = manifest.split(separator: "\n").dropFirst().map { $0.split(separator: "\t").map(String.init) }
        #expect(rows.count == 44)
        let dataset = try Dataset.open(Self.bundled)
        for row in rows.prefix(6) {  // a few, to stay fast; the inspection test covers the totals
            let sample = try #require(dataset.samples.first { $0.split == row[0] && $0.name == row[1] })
            let loaded = try sample.load()
            #expect(loaded.image.height == Int(row[2]) && loaded.image.width == Int(row[3]) && loaded.image.bitDepth == Int(row[4]))
            #expect(loaded.labels.instanceCount == Int(row[5]))
        }
    }

    @Test func reportCountsGeneratedDataset() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write(Fixtures.grayPNG(), to: "images/a.png")
        try folder.write(Fixtures.labelPNG(width: 4, height: 3, labels: Fixtures.twoNuclei), to: "masks/a.png")
        try folder.write(RawPNG.make(width: 4, height: 3, bitDepth: 16, colorType: RawPNG.gray, samples: Array(0..<12)), to: "images/b.png")
        try folder.write(Fixtures.labelPNG(width: 4, height: 3, labels: Array(repeating: 0, count: 12)), to: "masks/b.png")
        let report = try DatasetInspector.inspect(folder.url)
        #expect(report.nucleiPerImage == [2, 0] && report.medianNuclei == 1)
        #expect(report.sizes == ["4x3": 2] && report.bitDepths == [8: 1, 16: 1])
        // An empty mask is worth a warning but does not stop training.
        #expect(report.problems.count == 1 && !report.hasBlockingProblems)
        #expect(report.problems[0].description.contains("masks/b.png: mask has no nuclei"))
    }
}
