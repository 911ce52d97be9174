import NucleiImaging
import NucleiBase
import Testing

struct BatchingTests {
    static func samples(_ count: Int, size: Int = 4) -> [PreparedSample] {
        (0..<count).map { index in
            let labels = (0..<(size * size)).map { Int32(($0 + index) % 3) }
            return PreparedSample(key: "s\(index)",
                                  image: FloatImage(width: size, height: size, channels: 3,
                                                    samples: labels.flatMap { Array(repeating: Float($0) + Float(index) * 10, count: 3) }),
                                  labels: LabelImage(width: size, height: size, labels: labels))
        }
    }

    @Test func batchIsNHWCWithClassesAndInstanceLabels() {
        var generator = SeededGenerator(seed: 0)
        let batch = Batch(Self.samples(3), indices: [2, 0], using: &generator)
        #expect(batch.count == 2 && batch.height == 4 && batch.width == 4)
        #expect(batch.images.count == 2 * 4 * 4 * 3 && batch.classes.count == 32 && batch.instanceLabels.count == 32)
        #expect(batch.keys == ["s2", "s0"])
        #expect(batch.images[0] == 22)  // sample 2, pixel 0: label (0 + 2) % 3 = 2, plus 20
        #expect(batch.instanceLabels[0] == 2 && batch.classes[0] == 1)
        #expect(batch.classes == batch.instanceLabels.map { $0 > 0 ? 1 : 0 })
    }

    @Test func samplerShufflesEveryEpochAndCoversAllSamples() {
        let sampler = BatchSampler(count: 10, batchSize: 4, seed: 7)
        #expect(sampler.batchesPerEpoch == 3)
        let first = sampler.batches(epoch: 0), second = sampler.batches(epoch: 1)
        #expect(first.map(\.count) == [4, 4, 2])
        #expect(first.flatMap { $0 }.sorted() == Array(0..<10))
        #expect(first != second)
        #expect(first == BatchSampler(count: 10, batchSize: 4, seed: 7).batches(epoch: 0))
        #expect(BatchSampler(count: 10, batchSize: 4, seed: 7, dropLast: true).batches(epoch: 0).map(\.count) == [4, 4])
        #expect(BatchSampler(count: 5, batchSize: 2, seed: 7, shuffle: false).batches(epoch: 3) == [[0, 1], [2, 3], [4]])
    }

    @Test func flippedBatchKeepsImageAndClassesAligned() {
        var generator = SeededGenerator(seed: 3)
        let samples = Self.samples(4)
        let batch = Batch(samples, indices: [0, 1, 2, 3], flip: RandomFlip(), using: &generator)
        for (position, index) in [0, 1, 2, 3].enumerated() {
            for pixel in 0..<16 {
                let value = batch.images[(position * 16 + pixel) * 3] - Float(index) * 10
                #expect(Int32(value) == batch.instanceLabels[position * 16 + pixel])
            }
        }
    }

    @Test func cropBatchFromNativeImagesOfDifferentSizes() {
        var generator = SeededGenerator(seed: 5)
        let samples = Self.samples(1, size: 10) + Self.samples(1, size: 6)
        let batch = Batch(cropping: samples, indices: [0, 1], crop: RandomCrop(width: 4, height: 4), flip: RandomFlip(), using: &generator)
        #expect(batch.count == 2 && batch.width == 4 && batch.height == 4)
        #expect(batch.images.count == 2 * 16 * 3)
    }
}
