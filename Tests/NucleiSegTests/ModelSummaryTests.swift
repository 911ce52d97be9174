import NucleiSeg
import Testing

@Suite struct ModelSummaryTests {
    @Test func defaultModelHasKerasCounts() {
        let summary = ModelSummary(model: UNet())
        #expect(summary.total == 6_502_786)
        #expect(summary.trainable == 4_658_882)
        #expect(summary.nonTrainable == 1_843_904)
        let text = summary.render()
        #expect(text.contains("Total params: 6,502,786\n"))
        #expect(text.contains("Trainable params: 4,658,882\n"))
        #expect(text.contains("Non-trainable params: 1,843,904\n"))
    }

    @Test func unfrozenEncoderCountsItsWeightsAsTrainable() {
        let model = UNet()
        model.encoder.setTrainable(true)
        let summary = ModelSummary(model: model)
        // Only the BatchNorm moving statistics stay non-trainable: 1,920 in the decoder and, in
        // the encoder, half of its 61,824 BatchNorm values (moving mean and variance) = 30,912.
        let encoderBuffers = model.encoder.namedBuffers().reduce(0) { $0 + $1.1.value.count }
        #expect(summary.nonTrainable == 1_920 + encoderBuffers)
        #expect(summary.total == 6_502_786)
        #expect(encoderBuffers == 30_912)
    }

    @Test func groupedDigits() {
        #expect(ModelSummary.grouped(6_502_786) == "6,502,786")
        #expect(ModelSummary.grouped(999) == "999")
        #expect(ModelSummary.grouped(1000) == "1,000")
    }
}
