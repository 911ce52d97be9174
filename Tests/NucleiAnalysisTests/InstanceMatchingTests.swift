import NucleiAnalysis
import Testing

@Suite struct InstanceMatchingTests {
    // Ground truth: A = 4x4 square at x 0...3, y 0...3 (16 px); B = 4x4 at x 6...9, y 6...9 (16 px).
    // Predictions: 1 = 4x4 at x 1...4, y 0...3: overlaps A in 3x4 = 12 px, union 16 + 16 - 12 = 20,
    //                  IoU 12/20 = 0.60.
    //              2 = 4x3 at x 6...9, y 7...9 (12 px): inside B, overlap 12, union 16, IoU 0.75.
    //              3 = 2x2 at x 0...1, y 8...9: overlaps nothing.
    // Truth labels are 5 and 9 (gaps allowed), predictions 1, 2, 3.
    let truth = labelImage([
        "5555......",
        "5555......",
        "5555......",
        "5555......",
        "..........",
        "..........",
        "......9999",
        "......9999",
        "......9999",
        "......9999",
    ])
    let prediction = labelImage([
        ".1111.....",
        ".1111.....",
        ".1111.....",
        ".1111.....",
        "..........",
        "..........",
        "..........",
        "......2222",
        "33....2222",
        "33....2222",
    ])

    @Test func overlapTableHoldsOnlyOverlappingPairs() {
        let table = InstanceOverlapTable(truth: truth, prediction: prediction)
        #expect(table.truthCount == 2 && table.predictionCount == 3)
        #expect(table.truthAreas == [5: 16, 9: 16])
        #expect(table.predictionAreas == [1: 16, 2: 12, 3: 4])
        #expect(table.overlaps == [
            InstanceOverlap(truthLabel: 5, predictionLabel: 1, intersection: 12, union: 20),
            InstanceOverlap(truthLabel: 9, predictionLabel: 2, intersection: 12, union: 16),
        ])
    }

    @Test func dsbScoreByHand() {
        // t = 0.50, 0.55: both pairs match (0.60 and 0.75 > t): TP 2, FP 1, FN 0 -> 2/3.
        // t = 0.60, 0.65, 0.70: only IoU 0.75 (0.60 is not > 0.60): TP 1, FP 2, FN 1 -> 1/4.
        // t = 0.75 ... 0.95: none (0.75 is not > 0.75): TP 0, FP 3, FN 2 -> 0.
        // Score = (2 * 2/3 + 3 * 1/4) / 10 = (4/3 + 3/4) / 10 = (25/12) / 10 = 5/24.
        let scores = InstanceMatching.evaluate(truth: truth, prediction: prediction)
        let expected: [Double] = [2.0 / 3, 2.0 / 3, 0.25, 0.25, 0.25, 0, 0, 0, 0, 0]
        #expect(scores.countsPerThreshold.map(\.dsbPrecision) == expected)
        #expect(scores.countsPerThreshold.map(\.threshold) == InstanceMatching.dsbThresholds)
        #expect(abs(scores.dsb2018Score - 5.0 / 24) < 1e-15)
        // At 0.5: TP 2, FP 1, FN 0 -> AP 2/3, precision 2/3, recall 1, F1 4 / (4 + 1 + 0) = 0.8.
        #expect(scores.averagePrecisionAt50 == 2.0 / 3)
        #expect(scores.precisionAt50 == 2.0 / 3)
        #expect(scores.recallAt50 == 1)
        #expect(scores.f1At50 == 0.8)
        #expect(scores.meanMatchedIoU == 0.675)  // (0.60 + 0.75) / 2
        #expect(scores.truthCount == 2 && scores.predictionCount == 3)
    }

    @Test func countsAtAThreshold() {
        let table = InstanceOverlapTable(truth: truth, prediction: prediction)
        let counts = InstanceMatching.counts(table, threshold: 0.7)
        #expect(counts == MatchCounts(threshold: 0.7, truePositives: 1, falsePositives: 2, falseNegatives: 1))
        #expect(counts.precision == 1.0 / 3)
        #expect(counts.recall == 0.5)
        #expect(counts.f1 == 0.4)  // 2 / (2 + 2 + 1)
    }

    @Test func identicalImagesScoreOne() {
        let scores = InstanceMatching.evaluate(truth: truth, prediction: truth)
        #expect(scores.dsb2018Score == 1)
        #expect(scores.meanMatchedIoU == 1)
    }

    @Test func bothEmptyScoresOne() {
        let empty = LabelImage(width: 4, height: 4)
        let scores = InstanceMatching.evaluate(truth: empty, prediction: empty)
        #expect(scores.dsb2018Score == 1)
        #expect(scores.averagePrecisionAt50 == 1 && scores.precisionAt50 == 1 && scores.recallAt50 == 1 && scores.f1At50 == 1)
        #expect(scores.meanMatchedIoU == 1)
    }

    @Test func oneSideEmptyScoresZero() {
        let empty = LabelImage(width: 10, height: 10)
        for scores in [
            InstanceMatching.evaluate(truth: truth, prediction: empty),
            InstanceMatching.evaluate(truth: empty, prediction: prediction),
        ] {
            #expect(scores.dsb2018Score == 0)
            #expect(scores.precisionAt50 == 0 && scores.recallAt50 == 0 && scores.f1At50 == 0)
            #expect(scores.meanMatchedIoU == 0)
        }
    }

    @Test func datasetScoreIsTheMeanOverImages() {
        // Images scoring 5/24 and 1: (5/24 + 1) / 2 = 29/48.
        let images = [
            InstanceMatching.evaluate(truth: truth, prediction: prediction),
            InstanceMatching.evaluate(truth: truth, prediction: truth),
        ]
        #expect(abs(InstanceMatching.datasetScore(images) - 29.0 / 48) < 1e-15)
        #expect(InstanceMatching.datasetScore([]) == 0)
    }

    @Test func onePredictionCoveringTwoNucleiMatchesAtMostOne() {
        // Truth: two 2x2 squares side by side (8 px). Prediction covers both and one more row:
        // 4x3 = 12 px; IoU with each square 4/12 = 1/3: no match at any threshold.
        let merged = InstanceMatching.evaluate(
            truth: labelImage(["1122", "1122", "...."]),
            prediction: labelImage(["1111", "1111", "1111"]))
        #expect(merged.countsPerThreshold[0] == MatchCounts(threshold: 0.5, truePositives: 0, falsePositives: 1, falseNegatives: 2))
    }
}
