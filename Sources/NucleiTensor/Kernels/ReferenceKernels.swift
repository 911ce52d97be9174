/// The executable specification of every kernel: plain loops, one output element at a time.
///
/// Slow on purpose (no blocking, no vectorisation, sums in `Double`): tests compare the fast
/// kernels against it, so it has to be obviously right rather than quick. The transposed
/// convolution comes from the identities in the `TransposedConvolutionKernels` extension.
public struct ReferenceKernels: ComputeKernels {
    public init() {}

    // MARK: Convolution

    /// Visits every (output position, output channel, kernel tap, input channel of the group) that
    /// touches the input inside its bounds, with the flat indices of input, output and weights.
    /// - Complexity: O(batch * outputHeight * outputWidth * outputChannels * kh * kw * inputChannels/groups).
    @inline(__always)
    private func forEachTap(_ geometry: ConvolutionGeometry, _ body: (_ input: Int, _ output: Int, _ weight: Int) -> Void) {
        let channelsPerGroupIn = geometry.inputChannels / geometry.groups
        let channelsPerGroupOut = geometry.outputChannels / geometry.groups
        for image in 0..<geometry.batch {
            for outputRow in 0..<geometry.outputHeight {
                for outputColumn in 0..<geometry.outputWidth {
                    let outputPixel = (image * geometry.outputHeight + outputRow) * geometry.outputWidth + outputColumn
                    for outputChannel in 0..<geometry.outputChannels {
                        let group = outputChannel / channelsPerGroupOut
                        for kernelRow in 0..<geometry.kernelHeight {
                            let inputRow = outputRow * geometry.strideHeight - geometry.padTop + kernelRow
                            if inputRow < 0 || inputRow >= geometry.inputHeight { continue }
                            for kernelColumn in 0..<geometry.kernelWidth {
                                let inputColumn = outputColumn * geometry.strideWidth - geometry.padLeft + kernelColumn
                                if inputColumn < 0 || inputColumn >= geometry.inputWidth { continue }
                                let inputPixel = (image * geometry.inputHeight + inputRow) * geometry.inputWidth + inputColumn
                                for channelInGroup in 0..<channelsPerGroupIn {
                                    let inputIndex = inputPixel * geometry.inputChannels + group * channelsPerGroupIn + channelInGroup
                                    let weightIndex = ((kernelRow * geometry.kernelWidth + kernelColumn) * channelsPerGroupIn
                                        + channelInGroup) * geometry.outputChannels + outputChannel
                                    body(inputIndex, outputPixel * geometry.outputChannels + outputChannel, weightIndex)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    public func convolutionForward(
        _ geometry: ConvolutionGeometry, input: UnsafePointer<Float>, weights: UnsafePointer<Float>,
        bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>
    ) {
        var sums = [Double](repeating: 0, count: geometry.outputCount)
        sums.withUnsafeMutableBufferPointer { sums in
            forEachTap(geometry) { inputIndex, outputIndex, weightIndex in
                sums[outputIndex] += Double(input[inputIndex]) * Double(weights[weightIndex])
            }
            for index in 0..<geometry.outputCount {
                let channelBias = bias.map { Double($0[index % geometry.outputChannels]) } ?? 0
                output[index] = Float(sums[index] + channelBias)
            }
        }
    }

    public func convolutionBackwardData(
        _ geometry: ConvolutionGeometry, outputGradient: UnsafePointer<Float>, weights: UnsafePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>
    ) {
        var sums = [Double](repeating: 0, count: geometry.inputCount)
        sums.withUnsafeMutableBufferPointer { sums in
            forEachTap(geometry) { inputIndex, outputIndex, weightIndex in
                sums[inputIndex] += Double(outputGradient[outputIndex]) * Double(weights[weightIndex])
            }
            for index in 0..<geometry.inputCount { inputGradient[index] = Float(sums[index]) }
        }
    }

    public func convolutionBackwardWeights(
        _ geometry: ConvolutionGeometry, input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
        weightsGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>?
    ) {
        var sums = [Double](repeating: 0, count: geometry.weightCount)
        sums.withUnsafeMutableBufferPointer { sums in
            forEachTap(geometry) { inputIndex, outputIndex, weightIndex in
                sums[weightIndex] += Double(input[inputIndex]) * Double(outputGradient[outputIndex])
            }
            for index in 0..<geometry.weightCount { weightsGradient[index] = Float(sums[index]) }
        }
        if let biasGradient {
            let channels = geometry.outputChannels
            var biasSums = [Double](repeating: 0, count: channels)
            for index in 0..<geometry.outputCount { biasSums[index % channels] += Double(outputGradient[index]) }
            for channel in 0..<channels { biasGradient[channel] = Float(biasSums[channel]) }
        }
    }

    // MARK: Batch normalisation

    public func batchNormForwardTraining(
        rows: Int, channels: Int, input: UnsafePointer<Float>, gamma: UnsafePointer<Float>,
        beta: UnsafePointer<Float>, epsilon: Float, output: UnsafeMutablePointer<Float>,
        mean: UnsafeMutablePointer<Float>, variance: UnsafeMutablePointer<Float>
    ) {
        for channel in 0..<channels {
            let (channelMean, channelVariance) = Self.statistics(rows: rows, channels: channels, channel: channel, input)
            mean[channel] = Float(channelMean)
            variance[channel] = Float(channelVariance)
        }
        batchNormForwardInference(
            rows: rows, channels: channels, input: input, gamma: gamma, beta: beta, mean: mean,
            variance: variance, epsilon: epsilon, output: output)
    }

    public func batchNormForwardInference(
        rows: Int, channels: Int, input: UnsafePointer<Float>, gamma: UnsafePointer<Float>,
        beta: UnsafePointer<Float>, mean: UnsafePointer<Float>, variance: UnsafePointer<Float>,
        epsilon: Float, output: UnsafeMutablePointer<Float>
    ) {
        for channel in 0..<channels {
            let inverseDeviation = 1 / (Double(variance[channel]) + Double(epsilon)).squareRoot()
            for row in 0..<rows {
                let index = row * channels + channel
                let normalised = (Double(input[index]) - Double(mean[channel])) * inverseDeviation
                output[index] = Float(Double(gamma[channel]) * normalised + Double(beta[channel]))
            }
        }
    }

    /// The standard training-mode gradient, through the batch mean and variance:
    /// with x̂ = (x - μ) / σ, dx = γ / (σ·N) · (N·dy - Σdy - x̂·Σ(dy·x̂)), dγ = Σ(dy·x̂), dβ = Σdy
    /// (Ioffe & Szegedy 2015, section 3).
    public func batchNormBackward(
        rows: Int, channels: Int, input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
        gamma: UnsafePointer<Float>, mean: UnsafePointer<Float>, variance: UnsafePointer<Float>,
        epsilon: Float, inputGradient: UnsafeMutablePointer<Float>,
        gammaGradient: UnsafeMutablePointer<Float>, betaGradient: UnsafeMutablePointer<Float>
    ) {
        let count = Double(rows)
        for channel in 0..<channels {
            let inverseDeviation = 1 / (Double(variance[channel]) + Double(epsilon)).squareRoot()
            func normalised(_ row: Int) -> Double {
                (Double(input[row * channels + channel]) - Double(mean[channel])) * inverseDeviation
            }
            var gradientSum = 0.0
            var gradientDotNormalised = 0.0
            for row in 0..<rows {
                let gradient = Double(outputGradient[row * channels + channel])
                gradientSum += gradient
                gradientDotNormalised += gradient * normalised(row)
            }
            gammaGradient[channel] = Float(gradientDotNormalised)
            betaGradient[channel] = Float(gradientSum)
            let scale = Double(gamma[channel]) * inverseDeviation / count
            for row in 0..<rows {
                let gradient = Double(outputGradient[row * channels + channel])
                inputGradient[row * channels + channel] = Float(
                    scale * (count * gradient - gradientSum - normalised(row) * gradientDotNormalised))
            }
        }
    }

    /// Mean and biased variance (divided by `rows`) of one channel, two-pass for accuracy.
    private static func statistics(
        rows: Int, channels: Int, channel: Int, _ input: UnsafePointer<Float>
    ) -> (mean: Double, variance: Double) {
        var sum = 0.0
        for row in 0..<rows { sum += Double(input[row * channels + channel]) }
        let mean = sum / Double(rows)
        var squares = 0.0
        for row in 0..<rows {
            let deviation = Double(input[row * channels + channel]) - mean
            squares += deviation * deviation
        }
        return (mean, squares / Double(rows))
    }
}
