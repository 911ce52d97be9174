import NucleiTensor
import Testing

@Suite struct TensorTests {
    @Test func copyOnWriteKeepsValueSemantics() {
        let original = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        var copy = original
        copy[0, 1] = 20
        #expect(original.scalars == [1, 2, 3, 4])
        #expect(copy.scalars == [1, 20, 3, 4])
    }

    @Test func storageIs64ByteAligned() {
        for count in [1, 3, 17, 1000] {
            Tensor(shape: [count]).withUnsafeBufferPointer { #expect(UInt(bitPattern: $0.baseAddress!) % 64 == 0) }
        }
    }

    @Test func sliceAndConcatenateAlongBatch() {
        let t = Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6])
        #expect(t.slice(batch: 1..<3).scalars == [3, 4, 5, 6])
        #expect(Tensor.concatenate(batch: [t.slice(batch: 2..<3), t.slice(batch: 0..<1)]).scalars == [5, 6, 1, 2])
    }

    @Test func sliceChannels() {
        let t = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(t.slice(channels: 1..<3).scalars == [2, 3, 5, 6])
    }

    @Test func arithmeticAndReductions() {
        let a = Tensor(shape: [3], scalars: [1, 2, 3])
        let b = Tensor(shape: [3], scalars: [4, 5, 6])
        #expect((a + b).scalars == [5, 7, 9])
        #expect((a * b).scalars == [4, 10, 18])
        #expect((b - a).scalars == [3, 3, 3])
        #expect(a.sum() == 6 && a.mean() == 2)
        #expect(a.maxAbsoluteDifference(b) == 3)
    }

    @Test func seededGeneratorIsStableAcrossRuns() {
        var first = SeededGenerator(seed: 42)
        var second = SeededGenerator(seed: 42)
        let a = (0..<5).map { _ in first.next() }
        #expect(a == (0..<5).map { _ in second.next() })
        var normal = SeededGenerator(seed: 1)
        let samples = (0..<20000).map { _ in normal.nextNormal() }
        let mean = samples.reduce(0, +) / Float(samples.count)
        let variance = samples.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(samples.count)
        #expect(abs(mean) < 0.03 && abs(variance - 1) < 0.05)
    }
}
