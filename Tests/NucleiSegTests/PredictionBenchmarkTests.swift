import Foundation
import NucleiSeg
import Testing

/// `benchmark predict`: every stage timed, shares that add up, nothing left behind.
@Suite struct PredictionBenchmarkTests {
    @Test func timesEveryStageOfRealPredictions() throws {
        let data = try SyntheticDataset.make(name: "benchmark-predict", size: 64, counts: ["test": 3])
        let images = try PredictionBenchmark.images(in: data)
        #expect(images.count == 3)
        let segmenter = Segmenter(model: UNet(seed: 2), normalization: .standard, mode: .crops, tileSize: 64, overlap: 16)
        var benchmark = PredictionBenchmark()
        benchmark.repetitions = 2
        var lines: [String] = []
        let result = try benchmark.run(images: images, segmenter: segmenter) { lines.append($0) }
        #expect(result.images == 3 && lines.count == 2)
        #expect(abs(result.megapixels - 3 * 64 * 64 / 1e6) < 1e-12)
        #expect(Set(result.stageShares.keys) == Set(PredictionTimings.Stage.allCases.map(\.rawValue)))
        #expect(abs(result.stageShares.values.reduce(0, +) - 1) < 1e-9)
        #expect(result.stageShares.values.allSatisfy { $0 > 0 })
        #expect(result.imagesPerSecond > 0 && abs(result.imagesPerSecond * result.seconds - 3) < 1e-9)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: FileManager.default.temporaryDirectory.path)
            .filter { $0 == "nucleiseg-benchmark-\(getpid())" }
        #expect(leftovers.isEmpty)
    }

    @Test func mosaicsTileImagesOfTheCommonSizeInOrder() throws {
        let folder = TestResources.temporaryFolder("benchmark-mosaic-inputs")
        let a = PixelImage(width: 2, height: 1, channels: 1, bitDepth: 8, samples: [1, 2])
        let b = PixelImage(width: 2, height: 1, channels: 1, bitDepth: 16, samples: [300, 400])
        let odd = PixelImage(width: 3, height: 3, channels: 1, bitDepth: 8, samples: [UInt16](repeating: 7, count: 9))
        let grayRGB = PixelImage(width: 2, height: 1, channels: 3, bitDepth: 8, samples: [5, 5, 5, 6, 6, 6])
        let colour = PixelImage(width: 2, height: 1, channels: 3, bitDepth: 8, samples: [5, 9, 5, 6, 6, 6])
        var inputs: [URL] = []
        for (name, image) in [("a", a), ("b", b), ("odd", odd), ("c", grayRGB), ("d", colour)] {
            let url = folder.appendingPathComponent("\(name).png")
            try Data(PNGCodec.encode(image)).write(to: url)
            inputs.append(url)
        }
        let output = TestResources.temporaryFolder("benchmark-mosaic-outputs")
        let mosaics = try PredictionBenchmark.mosaics(of: inputs, side: 2, into: output)
        #expect(mosaics.map(\.lastPathComponent) == ["mosaic000.png", "mosaic001.png", "mosaic002.png"])
        // Mosaic 0: a b / c a (8-bit samples scaled by 257; c is gray stored as RGB, d colour and
        // left out); mosaic 1 starts with b.
        let first = try ImageFile.read(mosaics[0]), second = try ImageFile.read(mosaics[1])
        #expect(first.width == 4 && first.height == 2 && first.bitDepth == 16)
        #expect(first.samples == [257, 514, 300, 400, 1285, 1542, 257, 514])
        #expect(second.samples == [300, 400, 1285, 1542, 257, 514, 300, 400])
    }
}
