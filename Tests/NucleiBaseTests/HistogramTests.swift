import NucleiBase
import Testing

@Suite struct HistogramTests {
    // Samples 2, 2, 5, 9 (bins 2: 2, 5: 1, 9: 1).
    let histogram = Histogram(counts: [0, 0, 2, 0, 0, 1, 0, 0, 0, 1])

    @Test func orderStatisticsAndPercentiles() {
        #expect(histogram.total == 4)
        #expect((0..<4).map(histogram.value(atRank:)) == [2, 2, 5, 9])
        // q = p / 100 * 3: 50% -> 1.5, halfway between 2 and 5; 90% -> 2.7, 5 + 0.7 * 4.
        #expect(histogram.percentile(50) == 3.5)
        #expect(abs(histogram.percentile(90) - 7.8) < 1e-12)
        #expect(histogram.percentile(0) == 2 && histogram.percentile(100) == 9)
        // Nearest rank: 50% -> rank 2 (1.5 rounds up) = 5; 10% -> rank 0 = 2.
        #expect(histogram.nearestRankPercentile(50) == 5 && histogram.nearestRankPercentile(10) == 2)
        #expect(Histogram(counts: [0, 0]).percentile(50) == 0)
    }
}
