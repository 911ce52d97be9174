import Foundation
import NucleiImaging
import Testing

/// Each layout's reader on a small generated dataset.
struct DatasetReaderTests {
    static let mask = Fixtures.labelPNG(width: 4, height: 3, labels: Fixtures.twoNuclei)

    @Test func readsDSB2018AndMergesOneMaskPerNucleus() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        for id in ["b7e1", "a3f0"] {
            try folder.write(RawPNG.make(width: 4, height: 3, bitDepth: 8, colorType: RawPNG.rgba,
                                         samples: Array(repeating: 200, count: 48)), to: "\(id)/images/\(id).png")
            var first = [Int](repeating: 0, count: 12), second = first
            first[0] = 255; first[1] = 255
            second[7] = 255; second[10] = 255; second[11] = 255
            try folder.write(RawPNG.make(width: 4, height: 3, bitDepth: 8, colorType: RawPNG.gray, samples: first), to: "\(id)/masks/m1.png")
            try folder.write(RawPNG.make(width: 4, height: 3, bitDepth: 8, colorType: RawPNG.gray, samples: second), to: "\(id)/masks/m2.png")
        }
        let dataset = try Dataset.open(folder.url)
        #expect(dataset.layout == .dsb2018 && dataset.layoutDetected)
        #expect(dataset.samples.map(\.key) == ["a3f0", "b7e1"])
        let loaded = try dataset.samples[0].load()
        #expect(loaded.image.channels == 4)
        #expect(loaded.labels.labels == Fixtures.twoNuclei.map { Int32($0) })
        #expect(loaded.labels.instanceCount == 2)
    }

    @Test func readsPairsWithBinaryMasksPairedByName() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let binary = Fixtures.twoNuclei.map { $0 > 0 ? 255 : 0 }
        for split in ["train", "test"] {
            for name in ["z.png", "a.png"] {
                try folder.write(Fixtures.grayPNG(), to: "\(split)/inputs/\(name)")
                try folder.write(RawPNG.make(width: 4, height: 3, bitDepth: 8, colorType: RawPNG.gray, samples: binary),
                                 to: "\(split)/masks/\(name)")
            }
        }
        let dataset = try Dataset.open(folder.url)
        #expect(dataset.layout == .pairs)
        #expect(dataset.samples.map(\.key) == ["train/a", "train/z", "test/a", "test/z"])
        #expect(dataset.splits == ["train", "test"])
        let loaded = try dataset.samples[0].load()
        #expect(loaded.sample.maskFiles == [folder.url.appendingPathComponent("train/masks/a.png")])
        #expect(loaded.labels.labels == Fixtures.twoNuclei.map { Int32($0) })  // components of the binary mask
    }

    @Test func readsLabelsWithSplitsAndMixedExtensions() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write(Fixtures.grayPNG(), to: "train/images/one.png")
        try folder.write(Self.mask, to: "train/masks/one.png")
        try folder.write(RawTIFF.make(width: 4, height: 3, bitDepth: 16, pages: [Array(0..<12)]), to: "val/images/two.tif")
        try folder.write(RawTIFF.make(width: 4, height: 3, bitDepth: 16, pages: [Fixtures.twoNuclei]), to: "val/masks/two.tif")
        try folder.write(Fixtures.grayPNG(), to: "test/images/three.png")
        try folder.write(Self.mask, to: "test/masks/three_masks.png")  // Cellpose naming
        let dataset = try Dataset.open(folder.url)
        #expect(dataset.layout == .labels)
        #expect(dataset.samples.map(\.key) == ["train/one", "val/two", "test/three"])
        for sample in dataset.samples {
            let loaded = try sample.load()
            #expect(loaded.labels.instanceCount == 2, "\(sample.key)")
        }
        #expect(try dataset.samples[1].load().image.bitDepth == 16)
    }

    @Test func readsLabelsWithoutSplits() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write(Fixtures.grayPNG(), to: "images/x.png")
        try folder.write(Self.mask, to: "masks/x.png")
        let dataset = try Dataset.open(folder.url)
        #expect(dataset.layout == .labels && dataset.splits == [nil] && dataset.samples.map(\.key) == ["x"])
    }

    @Test func layoutCanBeForced() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write(Fixtures.grayPNG(), to: "images/x.png")
        try folder.write(Self.mask, to: "masks/x.png")
        let forced = try Dataset.scan(folder.url, layout: .labels)
        #expect(!forced.layoutDetected)
        // Forcing the wrong layout reports what it expected instead of guessing.
        let error = #expect(throws: ImagingError.self) { try Dataset.open(folder.url, layout: .pairs) }
        #expect(error?.description.contains("inputs") == true)
        let report = try DatasetInspector.inspect(folder.url, layout: .pairs)
        #expect(report.hasBlockingProblems && report.imageCount == 0)
    }
}
