import NucleiBase

extension Tensor {
    /// Samples from normal(mean, standardDeviation) with a seeded generator.
    public static func randomNormal(
        _ shape: [Int], mean: Float = 0, standardDeviation: Float = 1, generator: inout SeededGenerator
    ) -> Tensor {
        Tensor(shape: shape) { values in
            for index in 0..<values.count { values[index] = mean + standardDeviation * generator.nextNormal() }
        }
    }

    /// Samples uniformly from [low, high) with a seeded generator.
    public static func randomUniform(
        _ shape: [Int], low: Float = 0, high: Float = 1, generator: inout SeededGenerator
    ) -> Tensor {
        Tensor(shape: shape) { values in
            for index in 0..<values.count { values[index] = low + (high - low) * generator.nextUnitFloat() }
        }
    }
}
