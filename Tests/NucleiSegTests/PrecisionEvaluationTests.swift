import Foundation
import NucleiSeg
import NucleiTensor
import Testing

/// bfloat16 inference must not move the evaluation figures: the shipped model on real DSB2018
/// test images, evaluated in both precisions, agrees within 0.005 on pixel accuracy, foreground
/// IoU (dataset and per image), Dice and the DSB2018 instance score.
///
/// Measured (float32 / bfloat16 decoder / bfloat16 encoder and decoder): accuracy 0.96779 /
/// 0.96780 / 0.96771, dataset IoU 0.82210 / 0.82216 / 0.82161, DSB2018 score 0.50671 / 0.50671 /
/// 0.50070. The bfloat16 encoder (an option, not the default) keeps the pixel figures within
/// 0.005 but not the instance score, and is checked on the pixel figures only.
struct PrecisionEvaluationTests {
    @Test(.enabled(if: OneDNNKernels.supportsBFloat16, "needs native bfloat16 (AVX512-BF16 or AMX)"))
    func bfloat16EvaluationFiguresMatchFloat32() throws {
        let root = TestResources.packageRoot.appendingPathComponent("data/dsb2018/test")
        let dataset = try Dataset.open(root)
        // Three images of different kinds and sizes, fixed by name so the test reads the same files every run.
        let samples = Array(dataset.samples.sorted { $0.key < $1.key }.prefix(3))
        try #require(samples.count == 3)
        func summary(_ precision: ComputePrecision, encoder: ComputePrecision = .float32) throws -> EvaluationSummary {
            let segmenter = try ShippedModel.segmenter(path: nil, precision: precision, encoderPrecision: encoder)
            return try DatasetEvaluation.evaluate(segmenter: segmenter, samples: samples, datasetPath: root.path, exampleCount: 0).summary
        }
        let exact = try summary(.float32), reduced = try summary(.bfloat16)
        let reducedEncoder = try summary(.bfloat16, encoder: .bfloat16)
        func expectClose(_ name: String, _ float32: Double?, _ bfloat16: Double?, sourceLocation: SourceLocation = #_sourceLocation) {
            guard let float32, let bfloat16 else {
                Issue.record("\(name) missing", sourceLocation: sourceLocation)
                return
            }
            #expect(abs(float32 - bfloat16) <= 0.005, "\(name): float32 \(float32), bfloat16 \(bfloat16)", sourceLocation: sourceLocation)
        }
        expectClose("pixel accuracy", exact.accuracy, reduced.accuracy)
        expectClose("dataset foreground IoU", exact.datasetForegroundIoU, reduced.datasetForegroundIoU)
        expectClose("mean per-image foreground IoU", exact.meanPerImageForegroundIoU, reduced.meanPerImageForegroundIoU)
        expectClose("dataset Dice", exact.datasetForegroundDice, reduced.datasetForegroundDice)
        expectClose("DSB2018 score", exact.meanDSB2018Score, reduced.meanDSB2018Score)
        expectClose("pixel accuracy, bfloat16 encoder", exact.accuracy, reducedEncoder.accuracy)
        expectClose("dataset foreground IoU, bfloat16 encoder", exact.datasetForegroundIoU, reducedEncoder.datasetForegroundIoU)
        expectClose("dataset Dice, bfloat16 encoder", exact.datasetForegroundDice, reducedEncoder.datasetForegroundDice)
    }
}
