import NucleiAnalysis
import Testing

@Suite struct PixelMetricsTests {
    // truth      1 1 0 / 0 1 0
    // prediction 1 0 1 / 0 1 0
    // index 0: TP, 1: FN, 2: FP, 3: TN, 4: TP, 5: TN -> TP 2, FP 1, FN 1, TN 2.
    let truth: [Bool] = [true, true, false, false, true, false]
    let prediction: [Bool] = [true, false, true, false, true, false]

    @Test func countsAndRatiosOfOneImage() {
        let counts = PixelConfusion(prediction: prediction, truth: truth)
        #expect(counts == PixelConfusion(truePositives: 2, falsePositives: 1, falseNegatives: 1, trueNegatives: 2))
        #expect(counts.foregroundIoU == 0.5)  // 2 / (2 + 1 + 1)
        #expect(counts.foregroundDice == 4.0 / 6.0)  // 2*2 / (2*2 + 1 + 1)
        #expect(counts.pixelAccuracy == 4.0 / 6.0)  // (2 + 2) / 6
    }

    @Test func byteMasksCountLikeBooleanOnes() {
        let counts = PixelConfusion(prediction: [255, 0, 1, 0, 7, 0], truth: [1, 1, 0, 0, 1, 0])
        #expect(counts == PixelConfusion(prediction: prediction, truth: truth))
    }

    @Test func emptyPredictionAndEmptyTruthScoreOne() {
        let counts = PixelConfusion(prediction: [false, false], truth: [false, false])
        #expect(counts.foregroundIoU == 1)
        #expect(counts.foregroundDice == 1)
        #expect(counts.pixelAccuracy == 1)
    }

    @Test func emptyPredictionOfNonEmptyTruthScoresZero() {
        // TP 0, FN 1, TN 1 -> IoU 0 / 1, Dice 0 / 1, accuracy 1 / 2.
        let counts = PixelConfusion(prediction: [false, false], truth: [true, false])
        #expect(counts.foregroundIoU == 0)
        #expect(counts.foregroundDice == 0)
        #expect(counts.pixelAccuracy == 0.5)
    }

    @Test func datasetLevelAndMeanPerImageDiffer() {
        // Image 1: TP 2, FP 1, FN 1, TN 2 (IoU 1/2, Dice 2/3).
        // Image 2: 4 background pixels, nothing predicted (IoU 1, Dice 1 by definition).
        // Dataset: TP 2, FP 1, FN 1, TN 6 -> IoU 2/4, Dice 4/6, accuracy 8/10.
        // Mean per image: IoU (1/2 + 1) / 2 = 3/4, Dice (2/3 + 1) / 2 = 5/6.
        var accumulator = PixelMetricsAccumulator()
        accumulator.add(prediction: prediction, truth: truth)
        accumulator.add(prediction: [false, false, false, false], truth: [false, false, false, false])
        #expect(accumulator.imageCount == 2)
        #expect(accumulator.datasetConfusion == PixelConfusion(truePositives: 2, falsePositives: 1, falseNegatives: 1, trueNegatives: 6))
        #expect(accumulator.datasetForegroundIoU == 0.5)
        #expect(accumulator.datasetForegroundDice == 4.0 / 6.0)
        #expect(accumulator.datasetPixelAccuracy == 0.8)
        #expect(accumulator.meanPerImageForegroundIoU == 0.75)
        #expect(abs(accumulator.meanPerImageForegroundDice - 5.0 / 6.0) < 1e-15)
    }

    @Test func countsAdd() {
        let first = PixelConfusion(truePositives: 1, falsePositives: 2, falseNegatives: 3, trueNegatives: 4)
        let second = PixelConfusion(truePositives: 10, falsePositives: 20, falseNegatives: 30, trueNegatives: 40)
        #expect(first + second == PixelConfusion(truePositives: 11, falsePositives: 22, falseNegatives: 33, trueNegatives: 44))
        #expect((first + second).pixelCount == 110)
    }

    @Test func emptyAccumulatorReportsZeroMeans() {
        let accumulator = PixelMetricsAccumulator()
        #expect(accumulator.meanPerImageForegroundIoU == 0)
        #expect(accumulator.meanPerImageForegroundDice == 0)
    }
}
