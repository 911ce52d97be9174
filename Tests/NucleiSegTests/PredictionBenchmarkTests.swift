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
}
