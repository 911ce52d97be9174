import NucleiTensor
import Testing

/// Gradient checks of the kernel-backed ops, on the reference kernels and on oneDNN.
@Suite struct LayerOpTests {
    static let kernelChoices: [(String, any ComputeKernels)] = [("reference", Kernels.reference), ("oneDNN", Kernels.oneDNN)]

    @Test(arguments: [0, 1]) func convolutionGradient(choice: Int) {
        let kernels = Self.kernelChoices[choice].1
        let x = Variable(randomTensor([2, 5, 4, 3], seed: 11), requiresGradient: true)
        let w = Variable(randomTensor([3, 3, 3, 4], seed: 12), requiresGradient: true)
        let b = Variable(randomTensor([4], seed: 13), requiresGradient: true)
        expectGradientsMatchFiniteDifferences([x, w, b]) {
            Variable.convolution($0[0], weights: $0[1], bias: $0[2], stride: 2, padding: (0, 1, 1, 1), kernels: kernels)
        }
    }

    @Test(arguments: [0, 1]) func depthwiseConvolutionGradient(choice: Int) {
        let kernels = Self.kernelChoices[choice].1
        let x = Variable(randomTensor([2, 4, 4, 3], seed: 14), requiresGradient: true)
        let w = Variable(randomTensor([3, 3, 1, 3], seed: 15), requiresGradient: true)
        expectGradientsMatchFiniteDifferences([x, w]) {
            Variable.convolution($0[0], weights: $0[1], stride: 1, padding: (1, 1, 1, 1), groups: 3, kernels: kernels)
        }
    }

    @Test(arguments: [0, 1]) func transposedConvolutionGradient(choice: Int) {
        let kernels = Self.kernelChoices[choice].1
        let x = Variable(randomTensor([2, 3, 2, 4], seed: 16), requiresGradient: true)
        let w = Variable(randomTensor([3, 3, 2, 4], seed: 17), requiresGradient: true)
        let b = Variable(randomTensor([2], seed: 18), requiresGradient: true)
        expectGradientsMatchFiniteDifferences([x, w, b]) {
            Variable.transposedConvolution($0[0], weights: $0[1], bias: $0[2], kernels: kernels)
        }
    }

    @Test func transposedConvolutionKerasShapeAndValues() {
        // One input pixel (value 1) and a kernel whose taps are 1...9: with TensorFlow's 'same'
        // rule at stride 2 the 1x1 input becomes 2x2 and output (i, j) receives tap (i + 0, j + 0)
        // of the kernel shifted by the padding before (0): values k[0][0], k[0][1], k[1][0], k[1][1].
        let x = Variable(Tensor(shape: [1, 1, 1, 1], scalars: [1]))
        let w = Variable(Tensor(shape: [3, 3, 1, 1], scalars: [1, 2, 3, 4, 5, 6, 7, 8, 9]))
        let y = Variable.transposedConvolution(x, weights: w, kernels: Kernels.reference)
        #expect(y.shape == [1, 2, 2, 1])
        #expect(y.value.scalars == [1, 2, 4, 5])
        let big = Variable(Tensor(shape: [1, 4, 4, 1], repeating: 1))
        #expect(Variable.transposedConvolution(big, weights: w, kernels: Kernels.reference).shape == [1, 8, 8, 1])
    }

    @Test(arguments: [0, 1]) func batchNormTrainingGradient(choice: Int) {
        let kernels = Self.kernelChoices[choice].1
        let x = Variable(randomTensor([3, 2, 2, 3], seed: 19).map { $0 * 2 + 0.5 }, requiresGradient: true)
        let gamma = Variable(randomTensor([3], seed: 20).map { $0 + 1.5 }, requiresGradient: true)
        let beta = Variable(randomTensor([3], seed: 21), requiresGradient: true)
        expectGradientsMatchFiniteDifferences([x, gamma, beta], epsilon: 1e-2, tolerance: 3e-2) {
            Variable.batchNormTraining($0[0], gamma: $0[1], beta: $0[2], epsilon: 1e-3, kernels: kernels).output
        }
    }

    @Test func batchNormTrainingStatistics() {
        // Channel values 1, 2, 3, 6: mean 3, biased variance (4 + 1 + 0 + 9) / 4 = 3.5.
        let x = Variable(Tensor(shape: [4, 1, 1, 1], scalars: [1, 2, 3, 6]))
        let one = Variable(Tensor(shape: [1], scalars: [1])), zero = Variable(Tensor(shape: [1], scalars: [0]))
        let (y, mean, variance) = Variable.batchNormTraining(x, gamma: one, beta: zero, epsilon: 1e-3, kernels: Kernels.reference)
        #expect(mean.scalars == [3])
        #expect(abs(variance.scalars[0] - 3.5) < 1e-6)
        #expect(abs(y.value.scalars[3] - 3 / (3.5 + 1e-3).squareRoot()) < 1e-5)
    }

    @Test(arguments: [0, 1]) func batchNormInferenceGradient(choice: Int) {
        let kernels = Self.kernelChoices[choice].1
        let x = Variable(randomTensor([2, 2, 2, 3], seed: 22), requiresGradient: true)
        let gamma = Variable(randomTensor([3], seed: 23), requiresGradient: true)
        let beta = Variable(randomTensor([3], seed: 24), requiresGradient: true)
        let mean = randomTensor([3], seed: 25), variance = randomTensor([3], seed: 26).map { $0 * $0 + 0.5 }
        expectGradientsMatchFiniteDifferences([x, gamma, beta]) {
            Variable.batchNormInference($0[0], gamma: $0[1], beta: $0[2], mean: mean, variance: variance, epsilon: 1e-3, kernels: kernels)
        }
    }

    @Test func softmaxCrossEntropyValueAndGradient() {
        // Logits (0, ln 3) with label 1: p = (1/4, 3/4), loss = -ln(3/4).
        let logits = Variable(Tensor(shape: [1, 1, 1, 2], scalars: [0, Float(3).logarithm]), requiresGradient: true)
        let (loss, correct) = Variable.softmaxCrossEntropy(logits: logits, labels: [1])
        #expect(abs(loss.value.scalars[0] - -Float(0.75).logarithm) < 1e-6)
        #expect(correct == 1)
        loss.backward()
        // d/dz = p - onehot = (0.25, -0.25).
        #expect(abs(logits.gradient!.scalars[0] - 0.25) < 1e-6 && abs(logits.gradient!.scalars[1] + 0.25) < 1e-6)

        let many = Variable(randomTensor([2, 3, 3, 2], seed: 27).map { $0 * 3 }, requiresGradient: true)
        let labels: [Int32] = (0..<18).map { Int32($0 % 3 == 0 ? 1 : 0) }
        expectGradientsMatchFiniteDifferences([many], epsilon: 1e-2, tolerance: 2e-2) {
            Variable.softmaxCrossEntropy(logits: $0[0], labels: labels).loss
        }
    }

    @Test func classWeightedSoftmaxCrossEntropyValueAndGradient() {
        // Two positions, three classes. Position 0: logits (0, 0, 0), label 2 (weight 3):
        // p = 1/3 each, loss 3 ln 3, gradient 3 (1/3, 1/3, -2/3) / 2. Position 1: logits
        // (ln 2, 0, 0), label 0 (weight 1): p = (1/2, 1/4, 1/4), loss -ln(1/2), gradient
        // (-1/2, 1/4, 1/4) / 2. Mean over the 2 positions.
        let logits = Variable(Tensor(shape: [1, 1, 2, 3], scalars: [0, 0, 0, Float(2).logarithm, 0, 0]), requiresGradient: true)
        let (loss, correct) = Variable.softmaxCrossEntropy(logits: logits, labels: [2, 0], classWeights: [1, 1, 3])
        let expected = (3 * Float(3).logarithm + Float(2).logarithm) / 2
        #expect(abs(loss.value.scalars[0] - expected) < 1e-6)
        #expect(correct == 1)  // position 0 ties (arg-max 0), position 1 is right
        loss.backward()
        let gradient = logits.gradient!.scalars
        let expectedGradient: [Float] = [0.5, 0.5, -1, -0.25, 0.125, 0.125]
        for (value, wanted) in zip(gradient, expectedGradient) { #expect(abs(value - wanted) < 1e-6) }

        let many = Variable(randomTensor([2, 3, 3, 3], seed: 28).map { $0 * 3 }, requiresGradient: true)
        let labels: [Int32] = (0..<18).map { Int32($0 % 3) }
        expectGradientsMatchFiniteDifferences([many], epsilon: 1e-2, tolerance: 2e-2) {
            Variable.softmaxCrossEntropy(logits: $0[0], labels: labels, classWeights: [1, 0.5, 3]).loss
        }
    }
}

extension Float {
    var logarithm: Float { Float(log(Double(self))) }
}

#if canImport(Glibc)
import Glibc
#endif
