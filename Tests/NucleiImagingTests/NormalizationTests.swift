import Foundation
import NucleiImaging
import Testing

struct NormalizationTests {
    @Test func eightBitScalesByOne255thToMinusOneOne() {
        let image = PixelImage(width: 3, height: 1, channels: 1, bitDepth: 8, samples: [0, 51, 255])
        let normalized = NormalizationSpec.standard.normalize(image)
        #expect(normalized.channels == 3)
        let expected: [Float] = [-1, -1, -1, -0.6, -0.6, -0.6, 1, 1, 1]  // 51 / 255 * 2 - 1 = -0.6
        for (value, target) in zip(normalized.samples, expected) { #expect(abs(value - target) < 1e-6) }
    }

    @Test func percentileOfRampMatchesNumPyLinear() {
        // numpy.percentile(numpy.arange(1000), [0.1, 99.9]) == [0.999, 998.001]
        var histogram = [Int](repeating: 0, count: 65536)
        for value in 0..<1000 { histogram[value] = 1 }
        #expect(abs(NormalizationSpec.percentile(0.1, histogram: histogram) - 0.999) < 1e-9)
        #expect(abs(NormalizationSpec.percentile(99.9, histogram: histogram) - 998.001) < 1e-9)
        #expect(NormalizationSpec.percentile(50, histogram: histogram) == 499.5)
    }

    @Test func sixteenBitUsesPerImagePercentilesClipped() {
        let image = PixelImage(width: 1000, height: 1, channels: 1, bitDepth: 16, samples: (0..<1000).map { UInt16($0) * 10 })
        let range = NormalizationSpec.standard.intensityRange(of: image)
        #expect(abs(range.low - 9.99) < 1e-9 && abs(range.high - 9980.01) < 1e-9)
        let normalized = NormalizationSpec.standard.normalize(image)
        #expect(normalized.samples[0] == -1)  // 0 is below the 0.1st percentile: clipped
        #expect(normalized.samples[999 * 3] == 1)  // 9990 is above the 99.9th: clipped
        let expected = Float((5000 - 9.99) / (9980.01 - 9.99) * 2 - 1)  // pixel 500 = 5000
        #expect(abs(normalized.samples[500 * 3] - expected) < 1e-6)
    }

    @Test func dimSixteenBitImageFillsTheRange() {
        // A camera image using 100...355 of 65535 would be black under x / 65535.
        let image = PixelImage(width: 256, height: 1, channels: 1, bitDepth: 16, samples: (0..<256).map { UInt16(100 + $0) })
        let normalized = NormalizationSpec.standard.normalize(image)
        #expect(normalized.samples.min() == -1 && normalized.samples.max() == 1)
    }

    @Test func constantImageDoesNotDivideByZero() {
        let image = PixelImage(width: 2, height: 2, channels: 1, bitDepth: 16, samples: [700, 700, 700, 700])
        #expect(NormalizationSpec.standard.normalize(image).samples.allSatisfy { $0 == -1 })
    }

    @Test func alphaIsDroppedAndColourKept() {
        let rgba = PixelImage(width: 1, height: 1, channels: 4, bitDepth: 8, samples: [0, 255, 51, 7])
        #expect(NormalizationSpec.standard.normalize(rgba).samples.map { ($0 * 10).rounded() / 10 } == [-1, 1, -0.6])
        let grayAlpha = PixelImage(width: 1, height: 1, channels: 2, bitDepth: 8, samples: [255, 0])
        #expect(NormalizationSpec.standard.normalize(grayAlpha).samples == [1, 1, 1])
    }

    @Test func eightBitMayUsePercentilesForDimImages() {
        let spec = NormalizationSpec(eightBit: .percentiles(low: 0, high: 100))
        let image = PixelImage(width: 3, height: 1, channels: 1, bitDepth: 8, samples: [10, 15, 20])
        #expect(spec.normalize(image).samples == [-1, -1, -1, 0, 0, 0, 1, 1, 1])
    }

    @Test func prepareResizesToTheNetworkInput() {
        let image = PixelImage(width: 300, height: 200, channels: 1, bitDepth: 8, samples: Array(repeating: 255, count: 60000))
        let prepared = NormalizationSpec.standard.prepareImage(image)
        #expect(prepared.width == 128 && prepared.height == 128 && prepared.channels == 3)
        #expect(prepared.samples.allSatisfy { $0 == 1 })
        let labels = NormalizationSpec.standard.prepareLabels(LabelImage(width: 300, height: 200))
        #expect(labels.width == 128 && labels.height == 128)
    }

    @Test func specIsRecordableAndRoundTrips() throws {
        let spec = NormalizationSpec.standard
        let data = try JSONEncoder().encode(spec)
        #expect(try JSONDecoder().decode(NormalizationSpec.self, from: data) == spec)
        #expect(spec.description.contains("16-bit per-image percentiles 0.1..99.9"))
        #expect(spec.description.contains("8-bit x/max"))
        #expect(spec.description.contains("[-1,1]"))
    }

    @Test func displayConversionInvertsTheRange() {
        let image = FloatImage(width: 3, height: 1, channels: 1, samples: [-1, 0, 1])
        #expect(image.displayImage8Bit().samples == [0, 128, 255])
    }
}
