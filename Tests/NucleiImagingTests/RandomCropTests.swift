import NucleiImaging
import NucleiBase
import Testing

struct RandomCropTests {
    static func ramp(width: Int, height: Int) -> (FloatImage, LabelImage) {
        let labels = (0..<(width * height)).map { Int32($0) }
        return (FloatImage(width: width, height: height, channels: 3, samples: labels.flatMap { Array(repeating: Float($0), count: 3) }),
                LabelImage(width: width, height: height, labels: labels))
    }

    @Test func cropTakesTheWindowAtNativeResolution() {
        let (image, labels) = Self.ramp(width: 5, height: 4)
        let crop = RandomCrop.crop(image: image, labels: labels, x: 1, y: 2, width: 3, height: 2)
        #expect(crop.labels.labels == [11, 12, 13, 16, 17, 18])
        #expect(crop.image.samples == [11, 11, 11, 12, 12, 12, 13, 13, 13, 16, 16, 16, 17, 17, 17, 18, 18, 18])
    }

    @Test func randomCropsStayInsideAndKeepImageAndLabelsAligned() {
        let (image, labels) = Self.ramp(width: 20, height: 15)
        var generator = SeededGenerator(seed: 4)
        for _ in 0..<50 {
            let crop = RandomCrop(width: 8, height: 8).apply(image: image, labels: labels, using: &generator)
            let x = Int(crop.labels.labels[0]) % 20, y = Int(crop.labels.labels[0]) / 20
            #expect(x <= 12 && y <= 7)
            #expect(crop.image.samples == crop.labels.labels.flatMap { Array(repeating: Float($0), count: 3) })
        }
    }

    @Test func smallImagesArePaddedWithBlackAndBackground() {
        let (image, labels) = Self.ramp(width: 2, height: 2)
        var generator = SeededGenerator(seed: 2)
        let crop = RandomCrop(width: 4, height: 4).apply(image: image, labels: labels, using: &generator)
        #expect(crop.labels.labels.filter { $0 == 0 }.count >= 12)
        #expect(crop.image.samples.filter { $0 == -1 }.count == 12 * 3)
    }
}
