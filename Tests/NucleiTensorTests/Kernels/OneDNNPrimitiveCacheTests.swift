import NucleiTensor
import Testing

/// The uncached path (primitives created and destroyed on every call, used only to measure the
/// cache) computes the same as the cached one. Other tests running meanwhile only get slower.
@Suite("oneDNN primitive cache", .serialized)
struct OneDNNPrimitiveCacheTests {
    @Test(arguments: [5, 6, 7].map { RandomConvolution(seed: UInt64($0)) })
    func uncachedCallsEqualReference(_ problem: RandomConvolution) {
        let geometry = problem.geometry
        var generator = SeededGenerator(seed: 5000 + problem.seed)
        let input = generator.floats(geometry.inputCount), weights = generator.floats(geometry.weightCount)
        let bias = problem.withBias ? generator.floats(geometry.outputChannels) : nil
        OneDNNKernels.setPrimitiveCacheEnabled(false)
        defer { OneDNNKernels.setPrimitiveCacheEnabled(true) }
        expectClose(
            convolutionForward(Kernels.oneDNN, geometry, input: input, weights: weights, bias: bias),
            convolutionForward(Kernels.reference, geometry, input: input, weights: weights, bias: bias),
            tolerance: 1e-4)
    }
}
