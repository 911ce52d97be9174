import NucleiBase
import Testing

@Suite struct LabelImageTests {
    @Test func countsDistinctLabelsAndFindsTheMaximum() {
        // Labels 0, 2, 7, 2: two instances, largest label 7.
        let image = LabelImage(width: 2, height: 2, labels: [0, 2, 7, 2])
        #expect(image.instanceCount == 2)
        #expect(image.maximumLabel == 7)
        #expect(image.foregroundMask == [false, true, true, true])
        #expect(image[x: 0, y: 1] == 7)
    }

    @Test func emptyImageHasNoInstances() {
        let image = LabelImage(width: 3, height: 2)
        #expect(image.instanceCount == 0)
        #expect(image.labels == [0, 0, 0, 0, 0, 0])
    }

    @Test func connectedComponentsAreEightConnectedInRasterOrder() {
        let binary = LabelImage(width: 5, height: 3, labels: [0, 255, 0, 0, 255,
                                                              255, 0, 0, 0, 255,
                                                              0, 0, 255, 0, 0])
        #expect(ConnectedComponents.label(binary.foregroundMask, width: 5, height: 3).labels == [0, 1, 0, 0, 2,
                                                        1, 0, 0, 0, 2,
                                                        0, 0, 3, 0, 0])
    }
}
