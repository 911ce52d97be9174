import NucleiSeg
import Testing

@Suite struct SkipTapTests {
    @Test func skipsAreDerivedFromTheirKerasNames() {
        // DESIGN: block_1/3/6/13 expand_relu (after ReLU6), block_16_project (raw projection).
        #expect(MobileNetV2Encoder.skipTaps == [
            .init(block: 1, afterExpansion: true), .init(block: 3, afterExpansion: true), .init(block: 6, afterExpansion: true),
            .init(block: 13, afterExpansion: true), .init(block: 16, afterExpansion: false),
        ])
    }
}
