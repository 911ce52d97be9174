import NucleiTensor
import Testing

/// oneDNN batch normalisation against the reference on random problems (rows 1-300, channels 1-40,
/// inputs shifted and scaled per channel so that the statistics matter). Tolerance
/// 1e-4 * (1 + |reference|): Float against Double sums over at most 300 rows.
@Suite("oneDNN batch norm equals the reference")
struct OneDNNBatchNormTests {
    static let tolerance: Float = 1e-4

    struct Problem: CustomTestStringConvertible {
        var rows: Int, channels: Int, seed: UInt64
        var testDescription: String { "seed \(seed): rows \(rows), channels \(channels)" }
    }

    static let problems: [Problem] = (0..<60).map { seed in
        var generator = SeededGenerator(seed: 3000 + UInt64(seed))
        return Problem(
            rows: seed < 2 ? seed + 1 : Int.random(in: 1...300, using: &generator),
            channels: Int.random(in: 1...40, using: &generator), seed: UInt64(seed))
    }

    @Test(arguments: problems)
    func batchNorm(_ problem: Problem) {
        let (rows, channels) = (problem.rows, problem.channels)
        var generator = SeededGenerator(seed: 4000 + problem.seed)
        let scales = generator.floats(channels).map { 0.1 + 2 * abs($0) }
        let offsets = generator.floats(channels)
        let input = generator.floats(rows * channels).enumerated().map { index, value in
            value * scales[index % channels] + offsets[index % channels]
        }
        let gamma = generator.floats(channels), beta = generator.floats(channels)
        let outputGradient = generator.floats(rows * channels)
        let epsilon: Float = 1e-3
        let reference = Kernels.reference, fast = Kernels.oneDNN

        let fastTraining = batchNormForwardTraining(
            fast, rows: rows, channels: channels, input: input, gamma: gamma, beta: beta, epsilon: epsilon)
        let referenceTraining = batchNormForwardTraining(
            reference, rows: rows, channels: channels, input: input, gamma: gamma, beta: beta, epsilon: epsilon)
        expectClose(fastTraining.output, referenceTraining.output, tolerance: Self.tolerance, "training output")
        expectClose(fastTraining.mean, referenceTraining.mean, tolerance: Self.tolerance, "mean")
        expectClose(fastTraining.variance, referenceTraining.variance, tolerance: Self.tolerance, "variance")

        // Moving statistics differ from the batch's; use perturbed ones.
        let movingMean = referenceTraining.mean.map { $0 + 0.25 }
        let movingVariance = referenceTraining.variance.map { $0 * 1.5 + 0.1 }
        expectClose(
            batchNormForwardInference(
                fast, rows: rows, channels: channels, input: input, gamma: gamma, beta: beta, mean: movingMean,
                variance: movingVariance, epsilon: epsilon),
            batchNormForwardInference(
                reference, rows: rows, channels: channels, input: input, gamma: gamma, beta: beta, mean: movingMean,
                variance: movingVariance, epsilon: epsilon),
            tolerance: Self.tolerance, "inference output")

        let mean = referenceTraining.mean, variance = referenceTraining.variance
        let fastGradients = batchNormBackward(
            fast, rows: rows, channels: channels, input: input, outputGradient: outputGradient, gamma: gamma,
            mean: mean, variance: variance, epsilon: epsilon)
        let referenceGradients = batchNormBackward(
            reference, rows: rows, channels: channels, input: input, outputGradient: outputGradient, gamma: gamma,
            mean: mean, variance: variance, epsilon: epsilon)
        expectClose(fastGradients.input, referenceGradients.input, tolerance: Self.tolerance, "input gradient")
        expectClose(fastGradients.gamma, referenceGradients.gamma, tolerance: Self.tolerance, "gamma gradient")
        expectClose(fastGradients.beta, referenceGradients.beta, tolerance: Self.tolerance, "beta gradient")
    }
}
