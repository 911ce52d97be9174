import NucleiTensor
import Testing

/// The fused decoder op against the composition it replaces, on both kernel sets: the same
/// kernels in the same order, so values, statistics and every gradient agree to the last bit
/// (the composition's gradients are checked against finite differences in `LayerOpTests`).
@Suite struct BatchNormReLUTests {
    static let kernelChoices: [(String, any ComputeKernels)] = [("reference", Kernels.reference), ("oneDNN", Kernels.oneDNN)]

    /// (kernel choice, skip channels: 0 = no skip, seed of the random shape and values; the skip
    /// needs a gradient for even seeds, like a trainable encoder's, and none for odd ones).
    @Test(arguments: [(0, 0, 1), (0, 3, 2), (1, 0, 3), (1, 5, 4), (1, 7, 5)])
    func fusedOpEqualsBatchNormReLUConcatenate(choice: Int, skipChannels: Int, seed: UInt64) {
        let kernels = Self.kernelChoices[choice].1
        var generator = SeededGenerator(seed: seed)
        let batch = 1 + generator.nextInt(below: 3), height = 1 + generator.nextInt(below: 6)
        let width = 1 + generator.nextInt(below: 6), channels = 1 + generator.nextInt(below: 17)
        func variables() -> (x: Variable, gamma: Variable, beta: Variable, skip: Variable?) {
            (Variable(randomTensor([batch, height, width, channels], seed: seed + 10).map { $0 * 2 + 0.3 }, requiresGradient: true),
             Variable(randomTensor([channels], seed: seed + 11).map { $0 + 1.5 }, requiresGradient: true),
             Variable(randomTensor([channels], seed: seed + 12), requiresGradient: true),
             skipChannels == 0 ? nil : Variable(randomTensor([batch, height, width, skipChannels], seed: seed + 13),
                                                requiresGradient: seed % 2 == 0))
        }
        let upstream = randomTensor([batch, height, width, channels + skipChannels], seed: seed + 14)

        let fused = variables()
        let (fusedOutput, fusedMean, fusedVariance) = Variable.batchNormTrainingReLU(
            fused.x, gamma: fused.gamma, beta: fused.beta, epsilon: 1e-3, concatenatedWith: fused.skip, kernels: kernels)
        fusedOutput.backward(seed: upstream)

        let plain = variables()
        let (normalized, mean, variance) = Variable.batchNormTraining(plain.x, gamma: plain.gamma, beta: plain.beta, epsilon: 1e-3, kernels: kernels)
        let activated = Variable.relu(normalized)
        let plainOutput = plain.skip.map { Variable.concatenateChannels([activated, $0]) } ?? activated
        plainOutput.backward(seed: upstream)

        let label = "\(Self.kernelChoices[choice].0), \([batch, height, width, channels]) + \(skipChannels)"
        #expect(fusedOutput.shape == [batch, height, width, channels + skipChannels])
        expectClose(fusedOutput.value.scalars, plainOutput.value.scalars, tolerance: 0, "output, \(label)")
        expectClose(fusedMean.scalars, mean.scalars, tolerance: 0, "mean, \(label)")
        expectClose(fusedVariance.scalars, variance.scalars, tolerance: 0, "variance, \(label)")
        for (name, a, b) in [("x", fused.x, plain.x), ("gamma", fused.gamma, plain.gamma), ("beta", fused.beta, plain.beta)] {
            expectClose(a.gradient?.scalars ?? [], b.gradient?.scalars ?? [.nan], tolerance: 0, "\(name) gradient, \(label)")
        }
        if let fusedSkip = fused.skip, let plainSkip = plain.skip, seed % 2 == 0 {
            expectClose(fusedSkip.gradient?.scalars ?? [], plainSkip.gradient?.scalars ?? [.nan], tolerance: 0, "skip gradient, \(label)")
        }
        if let fusedSkip = fused.skip, seed % 2 == 1 { #expect(fusedSkip.gradient == nil, "a frozen skip got a gradient, \(label)") }
    }
}
