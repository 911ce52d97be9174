/// The shape of one 2-D convolution: what every convolution kernel, reference or fast, agrees on.
///
/// Layouts (all row-major, Float32):
/// - input  NHWC: `[batch, inputHeight, inputWidth, inputChannels]`
/// - output NHWC: `[batch, outputHeight, outputWidth, outputChannels]`
/// - weights (Keras): `[kernelHeight, kernelWidth, inputChannels / groups, outputChannels]`;
///   output channel `o` belongs to group `o / (outputChannels / groups)`. A Keras depthwise kernel
///   `[kh, kw, C, 1]` has the same bytes as `[kh, kw, 1, C]` with `groups == C`.
/// - bias: `[outputChannels]`
///
/// Padding is explicit on each side, so both Keras 'same' (TensorFlow puts the odd pixel after)
/// and `ZeroPadding2D` + 'valid' are expressed without copying the input.
public struct ConvolutionGeometry: Hashable, Sendable, CustomStringConvertible {
    public var batch: Int
    public var inputHeight: Int
    public var inputWidth: Int
    public var inputChannels: Int
    public var outputChannels: Int
    public var kernelHeight: Int
    public var kernelWidth: Int
    public var strideHeight: Int
    public var strideWidth: Int
    public var padTop: Int
    public var padBottom: Int
    public var padLeft: Int
    public var padRight: Int
    public var groups: Int

    public init(
        batch: Int, inputHeight: Int, inputWidth: Int, inputChannels: Int, outputChannels: Int,
        kernelHeight: Int, kernelWidth: Int, strideHeight: Int = 1, strideWidth: Int = 1,
        padTop: Int = 0, padBottom: Int = 0, padLeft: Int = 0, padRight: Int = 0, groups: Int = 1
    ) {
        precondition(groups >= 1 && inputChannels % groups == 0 && outputChannels % groups == 0,
                     "groups \(groups) must divide inputChannels \(inputChannels) and outputChannels \(outputChannels)")
        precondition(strideHeight >= 1 && strideWidth >= 1 && kernelHeight >= 1 && kernelWidth >= 1)
        self.batch = batch
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.strideHeight = strideHeight
        self.strideWidth = strideWidth
        self.padTop = padTop
        self.padBottom = padBottom
        self.padLeft = padLeft
        self.padRight = padRight
        self.groups = groups
        precondition(outputHeight >= 1 && outputWidth >= 1, "convolution has an empty output: \(self)")
    }

    public var outputHeight: Int { (inputHeight + padTop + padBottom - kernelHeight) / strideHeight + 1 }
    public var outputWidth: Int { (inputWidth + padLeft + padRight - kernelWidth) / strideWidth + 1 }
    public var inputCount: Int { batch * inputHeight * inputWidth * inputChannels }
    public var outputCount: Int { batch * outputHeight * outputWidth * outputChannels }
    public var weightCount: Int { kernelHeight * kernelWidth * (inputChannels / groups) * outputChannels }
    /// Multiply-adds times two of one forward pass (each backward pass costs the same).
    public var flops: Double {
        2.0 * Double(batch * outputHeight * outputWidth * outputChannels)
            * Double(kernelHeight * kernelWidth * (inputChannels / groups))
    }

    public var description: String {
        "conv(batch \(batch), in \(inputHeight)x\(inputWidth)x\(inputChannels) -> out \(outputHeight)x\(outputWidth)x\(outputChannels), "
            + "kernel \(kernelHeight)x\(kernelWidth), stride \(strideHeight)x\(strideWidth), "
            + "pad t\(padTop) b\(padBottom) l\(padLeft) r\(padRight), groups \(groups))"
    }
}
