import NucleiAnalysis
import Testing

@Suite struct WatershedTests {
    @Test func regionsMeetAtTheCrestAndTiesGoToTheEarlierMarker() {
        // Surface 0 1 2 3 2 1 0, markers at both ends. Both fronts climb one step per round;
        // the crest (x = 3) is reached first by the left front, whose marker entered the queue
        // first (raster order), because equal values leave first in, first out.
        let labels = Watershed.flood(
            surface: [0, 1, 2, 3, 2, 1, 0], markers: [1, 0, 0, 0, 0, 0, 2], width: 7, height: 1)
        #expect(labels == [1, 1, 1, 1, 2, 2, 2])
    }

    @Test func lowerValuesFloodFirst() {
        // Surface 0 5 1 1 1 0: marker 2 (right) floods the low basin x = 2...4 before marker 1
        // gets past the high wall at x = 1.
        let labels = Watershed.flood(
            surface: [0, 5, 1, 1, 1, 0], markers: [1, 0, 0, 0, 0, 2], width: 6, height: 1)
        #expect(labels == [1, 1, 2, 2, 2, 2])
    }

    @Test func maskLimitsTheFlooding() {
        // x = 2 is outside the mask, so marker 1 cannot reach x = 3 and no marker reaches it.
        let labels = Watershed.flood(
            surface: [0, 0, 0, 0], markers: [1, 0, 0, 0], mask: [true, true, false, true], width: 4, height: 1)
        #expect(labels == [1, 1, 0, 0])
    }

    @Test func diagonalStepsNeedEightConnectivity() {
        let surface: [Float] = [0, 0, 0, 0]
        let markers: [Int32] = [1, 0, 0, 0]
        let mask = [true, false, false, true]
        #expect(Watershed.flood(surface: surface, markers: markers, mask: mask, width: 2, height: 2, connectivity: .eight) == [1, 0, 0, 1])
        #expect(Watershed.flood(surface: surface, markers: markers, mask: mask, width: 2, height: 2, connectivity: .four) == [1, 0, 0, 0])
    }
}
