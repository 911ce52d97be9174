import NucleiAnalysis
import Testing

@Suite struct NucleusMeasurementsCSVTests {
    @Test func csvTextWithIntensity() {
        let measured = NucleusMeasurements.measure(NucleusMeasurementsTests.labels, intensity: NucleusMeasurementsTests.intensity)
        #expect(NucleusMeasurements.csv(measured) == """
            label,area,centroid_x,centroid_y,bbox_x,bbox_y,bbox_width,bbox_height,mean_intensity
            1,4,0.500,0.500,0,0,2,2,3.0000
            2,4,3.250,2.250,3,1,2,3,14.5000
            3,1,0.000,3.000,0,3,1,1,15.0000

            """)
    }

    @Test func csvTextWithoutIntensityLeavesTheFieldEmpty() {
        let measured = NucleusMeasurements.measure(LabelImage(width: 3, height: 1, labels: [0, 1, 1]))
        #expect(NucleusMeasurements.csv(measured) == """
            label,area,centroid_x,centroid_y,bbox_x,bbox_y,bbox_width,bbox_height,mean_intensity
            1,2,1.500,0.000,1,0,2,1,

            """)
    }

    @Test func emptyImageGivesTheHeaderOnly() {
        #expect(NucleusMeasurements.csv([]) == NucleusMeasurements.csvHeader + "\n")
    }
}
