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


/// Transposed convolution (Keras `Conv2DTranspose`) expressed through the convolution it inverts.
///
/// `geometry` describes the *forward convolution* that maps the transposed convolution's output
/// shape back to its input shape: the transposed input is shaped like `geometry`'s output
/// (`[batch, outputHeight, outputWidth, outputChannels]`), the transposed output like its input
/// (`[batch, inputHeight, inputWidth, inputChannels]`). The weights are that convolution's,
/// `[kh, kw, inputChannels, outputChannels]`, which is byte for byte the Keras `Conv2DTranspose`
/// kernel `[kh, kw, filters, inputChannels]`. Bias has `geometry.inputChannels` (= filters) values.
/// For Keras padding 'same' with stride 2 and kernel 3 the convolution pads top 0, bottom 1,
/// left 0, right 1, so an HxW input becomes 2Hx2W.
public protocol TransposedConvolutionKernels: Sendable {
    func transposedConvolutionForward(
        _ geometry: ConvolutionGeometry, input: UnsafePointer<Float>, weights: UnsafePointer<Float>,
        bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>)
    func transposedConvolutionBackwardData(
        _ geometry: ConvolutionGeometry, outputGradient: UnsafePointer<Float>, weights: UnsafePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>)
    func transposedConvolutionBackwardWeights(
        _ geometry: ConvolutionGeometry, input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
        weightsGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>?)
}

/// The identities that make a transposed convolution out of the three convolution passes.
/// A fast implementation may override them (e.g. with a dedicated deconvolution primitive).
extension TransposedConvolutionKernels where Self: ConvolutionKernels {
    public func transposedConvolutionForward(
        _ geometry: ConvolutionGeometry, input: UnsafePointer<Float>, weights: UnsafePointer<Float>,
        bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>
    ) {
        convolutionBackwardData(geometry, outputGradient: input, weights: weights, inputGradient: output)
        if let bias {
            let channels = geometry.inputChannels
            let rows = geometry.inputCount / channels
            for row in 0..<rows {
                let base = output + row * channels
                for channel in 0..<channels { base[channel] += bias[channel] }
            }
        }
    }

    public func transposedConvolutionBackwardData(
        _ geometry: ConvolutionGeometry, outputGradient: UnsafePointer<Float>, weights: UnsafePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>
    ) {
        convolutionForward(geometry, input: outputGradient, weights: weights, bias: nil, output: inputGradient)
    }

    public func transposedConvolutionBackwardWeights(
        _ geometry: ConvolutionGeometry, input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
        weightsGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>?
    ) {
        convolutionBackwardWeights(
            geometry, input: outputGradient, outputGradient: input, weightsGradient: weightsGradient, biasGradient: nil)
        if let biasGradient {
            sumChannels(outputGradient, count: geometry.inputCount, channels: geometry.inputChannels, into: biasGradient) { $0 }
        }
    }
}

/// `sums[c]` = the sum over rows of `transform(values[row * channels + c])`: a bias gradient.
func sumChannels(
    _ values: UnsafePointer<Float>, count: Int, channels: Int, into sums: UnsafeMutablePointer<Float>,
    transform: (Float) -> Float
) {
    for channel in 0..<channels { sums[channel] = 0 }
    for row in 0..<(count / channels) {
        let base = values + row * channels
        for channel in 0..<channels { sums[channel] += transform(base[channel]) }
    }
}


/// An activation applied inside a forward pass (a oneDNN post-op on the fast path).
public enum FusedActivation: Int32, Sendable {
    case none = 0
    case relu = 1
    /// min(max(x, 0), 6).
    case relu6 = 2

    @inlinable
    public func apply(_ value: Float) -> Float {
        switch self {
        case .none: return value
        case .relu: return max(value, 0)
        case .relu6: return min(max(value, 0), 6)
        }
    }
}

/// The arithmetic of an inference forward pass.
public enum ComputePrecision: String, Sendable, CaseIterable, Codable {
    /// IEEE single precision throughout.
    case float32
    /// Source and weights rounded to bfloat16 (8-bit mantissa), products accumulated in float32,
    /// float32 output: twice the multiply throughput on CPUs with AVX512-BF16 or AMX.
    case bfloat16

    /// The flag the C kernels take (0 float32, 1 bfloat16).
    public var kernelFlag: Int32 { self == .bfloat16 ? 1 : 0 }

    /// Rounds to the nearest bfloat16 (ties to even), kept in a Float.
    @inlinable
    public static func roundedToBFloat16(_ value: Float) -> Float {
        guard value.isFinite else { return value }
        let bits = value.bitPattern
        let rounding: UInt32 = 0x7FFF + ((bits >> 16) & 1)
        return Float(bitPattern: (bits &+ rounding) & 0xFFFF_0000)
    }
}

/// Forward passes with the activation fused in, for inference: BatchNorm folded into the
/// weights and bias leaves conv + bias + activation, one pass over the output instead of three.
public protocol FusedForwardKernels: Sendable {
    func convolutionForward(
        _ geometry: ConvolutionGeometry, input: UnsafePointer<Float>, weights: UnsafePointer<Float>,
        bias: UnsafePointer<Float>?, activation: FusedActivation, precision: ComputePrecision,
        output: UnsafeMutablePointer<Float>)
    func transposedConvolutionForward(
        _ geometry: ConvolutionGeometry, input: UnsafePointer<Float>, weights: UnsafePointer<Float>,
        bias: UnsafePointer<Float>?, activation: FusedActivation, precision: ComputePrecision,
        output: UnsafeMutablePointer<Float>)
}

/// The definition: bfloat16 rounding of source and weights (when asked), the plain float32
/// forward pass, then the activation over the output.
extension FusedForwardKernels where Self: ConvolutionKernels & TransposedConvolutionKernels {
    public func convolutionForward(
        _ geometry: ConvolutionGeometry, input: UnsafePointer<Float>, weights: UnsafePointer<Float>,
        bias: UnsafePointer<Float>?, activation: FusedActivation, precision: ComputePrecision,
        output: UnsafeMutablePointer<Float>
    ) {
        withRounded(input, count: geometry.inputCount, weights, count: geometry.weightCount, precision) { input, weights in
            convolutionForward(geometry, input: input, weights: weights, bias: bias, output: output)
        }
        for index in 0..<geometry.outputCount { output[index] = activation.apply(output[index]) }
    }

    public func transposedConvolutionForward(
        _ geometry: ConvolutionGeometry, input: UnsafePointer<Float>, weights: UnsafePointer<Float>,
        bias: UnsafePointer<Float>?, activation: FusedActivation, precision: ComputePrecision,
        output: UnsafeMutablePointer<Float>
    ) {
        withRounded(input, count: geometry.outputCount, weights, count: geometry.weightCount, precision) { input, weights in
            transposedConvolutionForward(geometry, input: input, weights: weights, bias: bias, output: output)
        }
        for index in 0..<geometry.inputCount { output[index] = activation.apply(output[index]) }
    }
}

/// Calls `body` with the two buffers as they are (float32) or rounded to bfloat16.
func withRounded(
    _ first: UnsafePointer<Float>, count firstCount: Int, _ second: UnsafePointer<Float>, count secondCount: Int,
    _ precision: ComputePrecision, _ body: (UnsafePointer<Float>, UnsafePointer<Float>) -> Void
) {
    guard precision == .bfloat16 else { return body(first, second) }
    let roundedFirst = (0..<firstCount).map { ComputePrecision.roundedToBFloat16(first[$0]) }
    let roundedSecond = (0..<secondCount).map { ComputePrecision.roundedToBFloat16(second[$0]) }
    roundedFirst.withUnsafeBufferPointer { a in roundedSecond.withUnsafeBufferPointer { b in body(a.baseAddress!, b.baseAddress!) } }
}


/// The backward passes of the transposed convolution in reduced precision (mixed-precision
/// training: bfloat16 inputs, float32 accumulation, float32 gradients).
public protocol ReducedPrecisionBackwardKernels: Sendable {
    func transposedConvolutionBackwardData(
        _ geometry: ConvolutionGeometry, outputGradient: UnsafePointer<Float>, weights: UnsafePointer<Float>,
        precision: ComputePrecision, inputGradient: UnsafeMutablePointer<Float>)
    func transposedConvolutionBackwardWeights(
        _ geometry: ConvolutionGeometry, input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
        precision: ComputePrecision, weightsGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>?)
}

/// The definition: the float32 pass on inputs rounded to bfloat16 (the bias gradient sums the
/// rounded output gradient too).
extension ReducedPrecisionBackwardKernels where Self: TransposedConvolutionKernels {
    public func transposedConvolutionBackwardData(
        _ geometry: ConvolutionGeometry, outputGradient: UnsafePointer<Float>, weights: UnsafePointer<Float>,
        precision: ComputePrecision, inputGradient: UnsafeMutablePointer<Float>
    ) {
        withRounded(outputGradient, count: geometry.inputCount, weights, count: geometry.weightCount, precision) { gradient, weights in
            transposedConvolutionBackwardData(geometry, outputGradient: gradient, weights: weights, inputGradient: inputGradient)
        }
    }

    public func transposedConvolutionBackwardWeights(
        _ geometry: ConvolutionGeometry, input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
        precision: ComputePrecision, weightsGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>?
    ) {
        withRounded(input, count: geometry.outputCount, outputGradient, count: geometry.inputCount, precision) { input, gradient in
            transposedConvolutionBackwardWeights(geometry, input: input, outputGradient: gradient, weightsGradient: weightsGradient, biasGradient: nil)
        }
        if let biasGradient {
            sumChannels(outputGradient, count: geometry.inputCount, channels: geometry.inputChannels, into: biasGradient) {
                precision == .bfloat16 ? ComputePrecision.roundedToBFloat16($0) : $0
            }
        }
    }
}

public typealias ComputeKernels = ConvolutionKernels & TransposedConvolutionKernels & BatchNormKernels & FusedForwardKernels
    & ReducedPrecisionBackwardKernels
