import NucleiAnalysis
import Testing

@Suite struct NucleusMeasurementsTests {
    // Label 1: (0,0) (1,0) (0,1) (1,1).  Label 2: (3,1) (3,2) (3,3) (4,3).  Label 3: (0,3).
    static let labels = labelImage([
        "11...",
        "11.2.",
        "...2.",
        "3..22",
        ".....",
    ])
    // Intensity = pixel index y * 5 + x.
    static let intensity = (0..<25).map { Float($0) }

    @Test func measuresAreaCentroidBoxIntensityAndPerimeter() {
        let measured = NucleusMeasurements.measure(Self.labels, intensity: Self.intensity)
        // Label 1: centroid (0.5, 0.5); intensity (0 + 1 + 5 + 6) / 4 = 3; perimeter of a 2x2
        //   square 8.
        // Label 2: centroid x (3 + 3 + 3 + 4) / 4 = 3.25, y (1 + 2 + 3 + 3) / 4 = 2.25; box x 3...4,
        //   y 1...3; intensity (8 + 13 + 18 + 19) / 4 = 14.5; perimeter 4 * 4 - 2 * 3 shared edges
        //   = 10.
        // Label 3: one pixel at (0, 3); intensity 15; perimeter 4.
        #expect(measured == [
            NucleusMeasurement(
                label: 1, area: 4, centroidX: 0.5, centroidY: 0.5,
                boundingBox: BoundingBox(x: 0, y: 0, width: 2, height: 2), meanIntensity: 3, perimeter: 8),
            NucleusMeasurement(
                label: 2, area: 4, centroidX: 3.25, centroidY: 2.25,
                boundingBox: BoundingBox(x: 3, y: 1, width: 2, height: 3), meanIntensity: 14.5, perimeter: 10),
            NucleusMeasurement(
                label: 3, area: 1, centroidX: 0, centroidY: 3,
                boundingBox: BoundingBox(x: 0, y: 3, width: 1, height: 1), meanIntensity: 15, perimeter: 4),
        ])
    }

    @Test func withoutIntensityTheMeanIsMissing() {
        let measured = NucleusMeasurements.measure(Self.labels)
        #expect(measured.allSatisfy { $0.meanIntensity == nil })
    }

    @Test func missingLabelsAreSkipped() {
        let measured = NucleusMeasurements.measure(LabelImage(width: 3, height: 1, labels: [0, 4, 4]))
        #expect(measured.map(\.label) == [4])
        #expect(measured.first?.perimeter == 6)  // 1x2 bar: 2 * (1 + 2)
    }
}
