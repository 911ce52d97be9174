/// How a convolution pads its input.
public enum ConvolutionPadding: Sendable, Equatable {
    /// No padding.
    case valid
    /// TensorFlow 'same': output = ceil(input / stride); the odd pixel goes after (bottom/right).
    case same
    /// Explicit zeros per side.
    case explicit(top: Int, bottom: Int, left: Int, right: Int)

    /// Pads for one axis of `size` under this rule.
    func pads(size: Int, kernel: Int, stride: Int) -> (before: Int, after: Int) {
        switch self {
        case .valid: return (0, 0)
        case .same:
            let output = (size + stride - 1) / stride
            let total = max((output - 1) * stride + kernel - size, 0)
            return (total / 2, total - total / 2)
        case .explicit: preconditionFailure("explicit padding has no rule")
        }
    }

    /// The pads (top, bottom, left, right) this rule gives an input of `height` x `width`.
    public func resolve(height: Int, width: Int, kernelHeight: Int, kernelWidth: Int, stride: Int) -> (top: Int, bottom: Int, left: Int, right: Int) {
        if case let .explicit(top, bottom, left, right) = self { return (top, bottom, left, right) }
        let vertical = pads(size: height, kernel: kernelHeight, stride: stride)
        let horizontal = pads(size: width, kernel: kernelWidth, stride: stride)
        return (vertical.before, vertical.after, horizontal.before, horizontal.after)
    }
}

/// Keras `Conv2D` (with `groups`). NHWC input `[N, H, W, inputChannels]`; kernel
/// `[kernelSize, kernelSize, inputChannels / groups, outputChannels]`; optional bias `[outputChannels]`.
public final class Conv2D: Module {
    public let kernel: Variable
    public let bias: Variable?
    public let stride: Int
    public let padding: ConvolutionPadding
    public let groups: Int

    /// Kernel initialised Glorot-uniform (the Keras default), bias zero.
    public init(
        inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int = 1,
        padding: ConvolutionPadding = .valid, groups: Int = 1, useBias: Bool = true, generator: inout SeededGenerator
    ) {
        let shape = [kernelSize, kernelSize, inputChannels / groups, outputChannels]
        kernel = Variable(Initializers.glorotUniform(shape, generator: &generator), requiresGradient: true)
        bias = useBias ? Variable(Tensor(shape: [outputChannels]), requiresGradient: true) : nil
        self.stride = stride
        self.padding = padding
        self.groups = groups
    }

    override public var namedOwnParameters: [(String, Variable)] {
        [("kernel", kernel)] + (bias.map { [("bias", $0)] } ?? [])
    }

    public func callAsFunction(_ input: Variable) -> Variable {
        let pads = padding.resolve(
            height: input.shape[1], width: input.shape[2], kernelHeight: kernel.shape[0], kernelWidth: kernel.shape[1], stride: stride)
        return Variable.convolution(input, weights: kernel, bias: bias, stride: stride, padding: pads, groups: groups)
    }
}

/// Keras `DepthwiseConv2D` with depth multiplier 1: one `kernelSize`² filter per channel.
/// Its kernel `[k, k, channels, 1]` is saved under the Keras name `depthwise_kernel`.
public final class DepthwiseConv2D: Module {
    public let depthwiseKernel: Variable
    public let bias: Variable?
    public let stride: Int
    public let padding: ConvolutionPadding

    public init(channels: Int, kernelSize: Int, stride: Int = 1, padding: ConvolutionPadding = .valid,
                useBias: Bool = true, generator: inout SeededGenerator) {
        depthwiseKernel = Variable(Initializers.glorotUniform([kernelSize, kernelSize, channels, 1], generator: &generator), requiresGradient: true)
        bias = useBias ? Variable(Tensor(shape: [channels]), requiresGradient: true) : nil
        self.stride = stride
        self.padding = padding
    }

    override public var namedOwnParameters: [(String, Variable)] {
        [("depthwise_kernel", depthwiseKernel)] + (bias.map { [("bias", $0)] } ?? [])
    }

    public func callAsFunction(_ input: Variable) -> Variable {
        let channels = depthwiseKernel.shape[2]
        precondition(input.shape.last == channels, "depthwise conv over \(channels) channels got input \(input.shape)")
        let pads = padding.resolve(height: input.shape[1], width: input.shape[2], kernelHeight: depthwiseKernel.shape[0],
                                   kernelWidth: depthwiseKernel.shape[1], stride: stride)
        // [k, k, C, 1] has the bytes of [k, k, 1, C]: one group per channel.
        let weights = Variable.reshape(depthwiseKernel, [depthwiseKernel.shape[0], depthwiseKernel.shape[1], 1, channels])
        return Variable.convolution(input, weights: weights, bias: bias, stride: stride, padding: pads, groups: channels)
    }
}

/// Keras `Conv2DTranspose` with padding 'same': `[N, H, W, C]` -> `[N, H*stride, W*stride, filters]`;
/// kernel `[k, k, filters, C]`.
public final class Conv2DTranspose: Module {
    public let kernel: Variable
    public let bias: Variable?
    public let stride: Int
    /// Arithmetic of the forward and backward passes (float32 by default; see `ComputePrecision`).
    public var precision = ComputePrecision.float32

    /// - Parameter kernelStandardDeviation: normal(0, σ) initialisation (pix2pix uses 0.02);
    ///   nil for the Keras default Glorot-uniform.
    public init(inputChannels: Int, filters: Int, kernelSize: Int = 3, stride: Int = 2, useBias: Bool,
                kernelStandardDeviation: Float? = nil, generator: inout SeededGenerator) {
        let shape = [kernelSize, kernelSize, filters, inputChannels]
        let initial = kernelStandardDeviation.map { Tensor.randomNormal(shape, standardDeviation: $0, generator: &generator) }
            ?? Initializers.glorotUniform(shape, generator: &generator)
        kernel = Variable(initial, requiresGradient: true)
        bias = useBias ? Variable(Tensor(shape: [filters]), requiresGradient: true) : nil
        self.stride = stride
    }

    override public var namedOwnParameters: [(String, Variable)] {
        [("kernel", kernel)] + (bias.map { [("bias", $0)] } ?? [])
    }

    public func callAsFunction(_ input: Variable) -> Variable {
        Variable.transposedConvolution(input, weights: kernel, bias: bias, stride: stride, precision: precision)
    }
}
