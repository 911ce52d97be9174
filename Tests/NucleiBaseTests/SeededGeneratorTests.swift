import NucleiBase
import Testing

struct SeededGeneratorTests {
    @Test func matchesSplitMix64ReferenceSequence() {
        // Reference values of SplitMix64 (Vigna's splitmix64.c) for seed 0.
        var generator = SeededGenerator(seed: 0)
        #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
        #expect(generator.next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(generator.next() == 0x06C4_5D18_8009_454F)
    }

    @Test func boundedIntegersStayInRangeAndPermutationsAreComplete() {
        var generator = SeededGenerator(seed: 99)
        #expect((0..<1000).allSatisfy { _ in (0..<7).contains(generator.nextInt(below: 7)) })
        #expect(generator.permutation(50).sorted() == Array(0..<50))
    }
}
