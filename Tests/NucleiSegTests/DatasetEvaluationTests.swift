import Foundation
import NucleiSeg
import Testing

struct DatasetEvaluationTests {
    @Test func pixelLossSumsAreKerasBinaryCrossEntropyByHand() {
        var sums = PixelLossSums()
        sums.add(probability: [0.9, 0.2, 0.6, 0], truth: [1, 0, 0, 3])
        // -ln 0.9 - ln 0.8 - ln 0.4 - ln 1e-7 (clipped); correct: first two only.
        let expected = -(log(0.9) + log(0.8) + log(0.4) + log(1e-7))
        #expect(abs(sums.loss - expected) < 1e-6)
        #expect(sums.correct == 2 && sums.pixels == 4)
        #expect(sums.accuracy == 0.5)
        #expect(PixelLossSums().meanLoss == nil)
        let doubled = sums + sums
        #expect(doubled.pixels == 8 && doubled.correct == 4 && abs(doubled.meanLoss! - expected / 4) < 1e-6)
    }

    static func image(_ name: String, dsb: Double, truePositives: Int) -> ImageEvaluation {
        ImageEvaluation(name: name, pixelCounts: PixelConfusion(truePositives: truePositives, falsePositives: 1, falseNegatives: 1, trueNegatives: 10),
                        foregroundIoU: 0, foregroundDice: 0, dsb2018Score: dsb, averagePrecisionAt50: dsb, f1At50: dsb, truthCount: 1, predictedCount: 1)
    }

    @Test func groupsSummariseTheirOwnImages() {
        var native = PixelLossSums()
        native.add(probability: [0.9, 0.1], truth: [1, 0])
        var wrong = PixelLossSums()
        wrong.add(probability: [0.1, 0.1], truth: [1, 0])
        var report = EvaluationReport(
            images: [Self.image("a", dsb: 0.2, truePositives: 2), Self.image("b", dsb: 0.6, truePositives: 4), Self.image("c", dsb: 1, truePositives: 8)],
            summary: EvaluationSummary(images: []), examples: [], nativeSums: [native, wrong, native], inputSizeSums: [nil, nil, nil])
        let url = URL(fileURLWithPath: "/x.png")
        let samples = ["a", "b", "c"].map { DatasetSample(split: nil, name: $0, imageFile: url, maskFiles: [], maskKind: .binary) }
        report.group(by: ImageManifest(column: "kind", values: ["a": "gray", "c": "gray", "b": "colour"]), samples: samples)
        #expect(report.groups.map(\.name) == ["colour", "gray"])
        let gray = report.groups[1].summary
        #expect(gray.imageCount == 2)
        #expect(abs(gray.meanDSB2018Score - 0.6) < 1e-12)
        #expect(gray.accuracy == 1)
        // Dataset IoU from summed counts: (2 + 8) / (10 + 2 + 2).
        #expect(abs(gray.datasetForegroundIoU - 10.0 / 14.0) < 1e-12)
        #expect(report.groups[0].summary.accuracy == 0.5)
        #expect(gray.inputSizeAccuracy == nil)
        #expect(report.groupLines.count == 3)
    }
}
