import NucleiTensor

extension SeededGenerator {
    /// `count` values uniform in [-1, 1).
    mutating func floats(_ count: Int) -> [Float] {
        (0..<count).map { _ in Float.random(in: -1..<1, using: &self) }
    }
}
