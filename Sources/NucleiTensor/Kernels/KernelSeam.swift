/// The seam between the tensor engine and its heavy kernels.
///
/// Two implementations stand behind it: `ReferenceKernels` (plain Swift loops, the executable
/// specification the tests compare against) and `OneDNNKernels` (oneDNN, the fast path).
/// Every function *overwrites* its outputs; accumulation of gradients is the caller's job.
public protocol ConvolutionKernels: Sendable {
    /// output = conv(input, weights) + bias. Layouts: see `ConvolutionGeometry`.
    func convolutionForward(
        _ geometry: ConvolutionGeometry, input: UnsafePointer<Float>, weights: UnsafePointer<Float>,
        bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>)
    /// inputGradient = d(loss)/d(input) given d(loss)/d(output).
    func convolutionBackwardData(
        _ geometry: ConvolutionGeometry, outputGradient: UnsafePointer<Float>, weights: UnsafePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>)
    /// weightsGradient (and biasGradient when non-nil) = d(loss)/d(weights, bias).
    func convolutionBackwardWeights(
        _ geometry: ConvolutionGeometry, input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
        weightsGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>?)
}

/// Batch normalisation over `rows` rows of `channels` values (NHWC flattened: rows = N*H*W).
public protocol BatchNormKernels: Sendable {
    /// Training mode: normalise with the batch statistics; writes the batch mean and the biased
    /// batch variance (divided by `rows`) per channel.
    func batchNormForwardTraining(
        rows: Int, channels: Int, input: UnsafePointer<Float>, gamma: UnsafePointer<Float>,
        beta: UnsafePointer<Float>, epsilon: Float, output: UnsafeMutablePointer<Float>,
        mean: UnsafeMutablePointer<Float>, variance: UnsafeMutablePointer<Float>)
    /// Inference mode: normalise with the given (moving) statistics.
    func batchNormForwardInference(
        rows: Int, channels: Int, input: UnsafePointer<Float>, gamma: UnsafePointer<Float>,
        beta: UnsafePointer<Float>, mean: UnsafePointer<Float>, variance: UnsafePointer<Float>,
        epsilon: Float, output: UnsafeMutablePointer<Float>)
    /// Backward of training mode (batch statistics `mean`, `variance` from the forward pass).
    func batchNormBackward(
        rows: Int, channels: Int, input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
        gamma: UnsafePointer<Float>, mean: UnsafePointer<Float>, variance: UnsafePointer<Float>,
        epsilon: Float, inputGradient: UnsafeMutablePointer<Float>,
        gammaGradient: UnsafeMutablePointer<Float>, betaGradient: UnsafeMutablePointer<Float>)
}

public typealias ComputeKernels = ConvolutionKernels & BatchNormKernels
