/// SplitMix64: a tiny, fast generator whose sequence is the same on every machine for a seed.
///
/// Used for weight initialisation, shuffling and augmentation so that a run is reproducible, and
/// for the instance colours of figures (``mix(_:)``): the one SplitMix64 of the package.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    /// The whole state: `SeededGenerator(seed: state)` continues the same sequence.
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
        return Self.mix(state)
    }

    /// SplitMix64's finaliser: a bijective 64-bit mixing hash (Stafford's variant 13). Also a
    /// stateless hash of a key, as `RGBColor.instance(label:seed:)` uses it.
    @inlinable
    public static func mix(_ value: UInt64) -> UInt64 {
        var mixed = value
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
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

    /// Uniform in [0, 1) with 24 bits of precision.
    public mutating func nextUnitFloat() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// Standard normal sample (Box-Muller).
    public mutating func nextNormal() -> Float {
        let u1 = max(Double(next() >> 11) * 0x1p-53, 1e-300)
        let u2 = Double(next() >> 11) * 0x1p-53
        return Float((-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2))
    }
}

// Free functions from the C library without importing Foundation into the numeric core.
#if canImport(Glibc)
import Glibc
@inline(__always) func _log(_ x: Double) -> Double { Glibc.log(x) }
@inline(__always) func _cos(_ x: Double) -> Double { Glibc.cos(x) }
#elseif canImport(Darwin)
import Darwin
@inline(__always) func _log(_ x: Double) -> Double { Darwin.log(x) }
@inline(__always) func _cos(_ x: Double) -> Double { Darwin.cos(x) }
#endif
