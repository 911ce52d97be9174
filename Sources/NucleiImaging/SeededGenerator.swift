/// A small seeded random number generator (SplitMix64) whose sequence is the same on every
/// machine and Swift version, unlike `SystemRandomNumberGenerator` or the standard library's
/// `shuffle(using:)` algorithm, which is not documented as stable.
///
/// SplitMix64: Steele, Lea & Flood, "Fast splittable pseudorandom number generators" (2014).
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// A generator for one stream of a seed (for example epoch `n` of a run), independent of
    /// how many numbers other streams drew.
    public init(seed: UInt64, stream: UInt64) {
        var mixer = SeededGenerator(seed: seed ^ (stream &* 0x9E37_79B9_7F4A_7C15))
        state = mixer.next()
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `0..<upperBound`, without modulo bias (rejection sampling).
    public mutating func nextInt(below upperBound: Int) -> Int {
        precondition(upperBound > 0, "nextInt(below:) needs a positive bound, got \(upperBound)")
        let bound = UInt64(upperBound)
        let threshold = (0 &- bound) % bound  // 2^64 mod bound
        while true {
            let value = next()
            if value >= threshold { return Int(value % bound) }
        }
    }

    /// A fair coin.
    public mutating func nextBool() -> Bool { next() >> 63 == 1 }

    /// `0..<count` in a seeded random order (Fisher-Yates, from the last position down).
    public mutating func permutation(_ count: Int) -> [Int] {
        var indices = Array(0..<count)
        var position = count - 1
        while position > 0 {
            indices.swapAt(position, nextInt(below: position + 1))
            position -= 1
        }
        return indices
    }
}
