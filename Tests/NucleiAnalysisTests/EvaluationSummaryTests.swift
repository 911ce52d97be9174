import Foundation
import NucleiAnalysis
import Testing

@Suite struct EvaluationSummaryTests {
    // Image "a": TP 2, FP 1, FN 1, TN 4: IoU 2/4, Dice 4/6. Image "b": TP 6, FP 0, FN 2, TN 0:
    // IoU 6/8, Dice 12/14. Summed: TP 8, FP 1, FN 3, TN 4 -> dataset IoU 8/12, Dice 16/20.
    let first = ImageEvaluation(
        name: "a", pixelCounts: PixelConfusion(truePositives: 2, falsePositives: 1, falseNegatives: 1, trueNegatives: 4),
        foregroundIoU: 0.5, foregroundDice: 4.0 / 6, dsb2018Score: 0.25, averagePrecisionAt50: 0.5, f1At50: 0.5,
        truthCount: 2, predictedCount: 2)
    let second = ImageEvaluation(
        name: "b, the second", pixelCounts: PixelConfusion(truePositives: 6, falsePositives: 0, falseNegatives: 2, trueNegatives: 0),
        foregroundIoU: 0.75, foregroundDice: 12.0 / 14, dsb2018Score: 0.75, averagePrecisionAt50: 1, f1At50: 1,
        truthCount: 3, predictedCount: 3)

    @Test func summaryMeansAndDatasetValues() {
        let summary = EvaluationSummary(images: [first, second], loss: 0.1, accuracy: 0.9)
        #expect(summary.imageCount == 2)
        #expect(summary.loss == 0.1 && summary.accuracy == 0.9)
        #expect(summary.datasetForegroundIoU == 8.0 / 12)
        #expect(summary.datasetForegroundDice == 0.8)  // 16 / 20
        #expect(summary.meanPerImageForegroundIoU == 0.625)  // (0.5 + 0.75) / 2
        #expect(abs(summary.meanPerImageForegroundDice - (4.0 / 6 + 12.0 / 14) / 2) < 1e-15)
        #expect(summary.meanDSB2018Score == 0.5)  // (0.25 + 0.75) / 2
        #expect(summary.meanAveragePrecisionAt50 == 0.75)  // (0.5 + 1) / 2
        #expect(summary.meanF1At50 == 0.75)
    }

    @Test func imageEvaluationFromLabelImages() {
        // Truth one 2x2 square, prediction the same square: everything perfect.
        let square = labelImage(["11.", "11.", "..."])
        let evaluation = ImageEvaluation(name: "s", truth: square, prediction: square)
        #expect(evaluation.pixelCounts == PixelConfusion(truePositives: 4, falsePositives: 0, falseNegatives: 0, trueNegatives: 5))
        #expect(evaluation.foregroundIoU == 1 && evaluation.dsb2018Score == 1 && evaluation.f1At50 == 1)
        #expect(evaluation.truthCount == 1 && evaluation.predictedCount == 1)
    }

    @Test func jsonHasSortedKeysRoundTripsAndOmitsMissingLoss() throws {
        let summary = EvaluationSummary(images: [first, second])
        let data = try summary.jsonData()
        let text = try #require(String(data: data, encoding: .utf8))
        let keys = [
            "datasetForegroundDice", "datasetForegroundIoU", "imageCount", "meanAveragePrecisionAt50",
            "meanDSB2018Score", "meanF1At50", "meanPerImageForegroundDice", "meanPerImageForegroundIoU",
        ]
        let positions = try keys.map { key in try #require(text.range(of: "\"\(key)\"")).lowerBound }
        #expect(positions == positions.sorted())
        #expect(!text.contains("loss") && !text.contains("accuracy"))
        #expect(text.contains("\n  \"imageCount\" : 2,\n"))
        #expect(try JSONDecoder().decode(EvaluationSummary.self, from: data) == summary)
    }

    @Test func perImageCSVText() {
        #expect(ImageEvaluation.csv([first, second]) == """
            name,true_positive_pixels,false_positive_pixels,false_negative_pixels,true_negative_pixels,\
            foreground_iou,foreground_dice,dsb2018_score,ap50,f1_50,truth_count,predicted_count
            a,2,1,1,4,0.500000,0.666667,0.250000,0.500000,0.500000,2,2
            "b, the second",6,0,2,0,0.750000,0.857143,0.750000,1.000000,1.000000,3,3

            """)
    }
}
