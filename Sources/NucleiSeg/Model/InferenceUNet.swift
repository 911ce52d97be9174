/// A convolution with its BatchNorm folded in and its activation fused: one kernel call.
///
/// With inference statistics, BN(conv(x)) = conv(x) * s + (beta - mean * s), s = gamma / sqrt(var + eps),
/// so scaling each output channel of the kernel by s and adding the shift as a bias gives the
/// same result without the two extra passes over the activations (BN, then ReLU).
struct FoldedConvolution {
    enum Kind { case convolution, transposed }
    let kind: Kind
    let weights: Tensor
    let bias: Tensor
    let stride: Int
    let padding: ConvolutionPadding
    let groups: Int
    let activation: FusedActivation
    var precision = ComputePrecision.float32

    /// - Parameters:
    ///   - kernel: Keras layout; its output channels are on axis 3 (convolution) or 2 (transposed).
    ///   - batchNorm: nil to keep the kernel as it is (a plain conv with bias).
    init(kind: Kind, kernel: Tensor, bias: Tensor?, batchNorm: BatchNorm?, stride: Int, padding: ConvolutionPadding = .valid,
         groups: Int = 1, activation: FusedActivation) {
        let outputAxis = kind == .convolution ? 3 : 2
        let channels = kernel.shape[outputAxis]
        var scale = [Float](repeating: 1, count: channels)
        var shift = bias?.scalars ?? [Float](repeating: 0, count: channels)
        if let batchNorm {
            let gamma = batchNorm.gamma.value.scalars, beta = batchNorm.beta.value.scalars
            let mean = batchNorm.movingMean.value.scalars, variance = batchNorm.movingVariance.value.scalars
            for c in 0..<channels {
                scale[c] = gamma[c] / (variance[c] + batchNorm.epsilon).squareRoot()
                shift[c] = beta[c] + (shift[c] - mean[c]) * scale[c]
            }
        }
        var folded = kernel
        let inner = kernel.shape[(outputAxis + 1)...].reduce(1, *)
        folded.withUnsafeMutableBufferPointer { values in
            for index in 0..<values.count { values[index] *= scale[(index / inner) % channels] }
        }
        self.kind = kind
        weights = folded
        self.bias = Tensor(shape: [channels], scalars: shift)
        self.stride = stride
        self.padding = padding
        self.groups = groups
        self.activation = activation
    }

    func callAsFunction(_ input: Tensor) -> Tensor {
        switch kind {
        case .convolution:
            let pads = padding.resolve(height: input.shape[1], width: input.shape[2], kernelHeight: weights.shape[0],
                                       kernelWidth: weights.shape[1], stride: stride)
            return input.convolved(weights: weights, bias: bias, stride: stride, padding: pads, groups: groups, activation: activation,
                                   precision: precision)
        case .transposed:
            // oneDNN 2.6 picks a much slower deconvolution kernel when a bias or a post-op is
            // attached (32x32x272 -> 64x64x64 at batch 32: ~200 ms fused against ~49 ms plain, see
            // NUCLEISEG_KERNELS_TRACE), so bias and activation follow in one pass of their own.
            var output = input.transposedConvolved(weights: weights, bias: nil, stride: stride, precision: precision)
            let channels = bias.count, activation = activation
            bias.withUnsafeBufferPointer { b in
                output.withUnsafeMutableBufferPointer { values in
                    for row in 0..<(values.count / channels) {
                        let base = row * channels
                        for c in 0..<channels { values[base + c] = activation.apply(values[base + c] + b[c]) }
                    }
                }
            }
            return output
        }
    }
}

/// The MobileNetV2 encoder frozen for inference: BatchNorms folded, ReLU6 fused (a snapshot of
/// the weights at creation). Used for prediction, validation, and as the frozen encoder while
/// the decoder trains (Keras runs a frozen BatchNorm in inference mode, so this is exact).
public struct InferenceEncoder {
    struct Block {
        let expand: FoldedConvolution?
        let depthwise: FoldedConvolution
        let project: FoldedConvolution
        let residual: Bool
    }

    let stem: FoldedConvolution
    let blocks: [Block]

    public init(_ encoder: MobileNetV2Encoder) {
        stem = FoldedConvolution(kind: .convolution, kernel: encoder.conv1.kernel.value, bias: nil, batchNorm: encoder.bnConv1,
                                 stride: 2, padding: .same, activation: .relu6)
        blocks = encoder.blocks.map { block in
            let channels = block.depthwise.depthwiseKernel.shape[2]
            let depthwiseKernel = block.depthwise.depthwiseKernel.value.reshaped([3, 3, 1, channels])
            return Block(
                expand: block.expand.map { FoldedConvolution(kind: .convolution, kernel: $0.kernel.value, bias: nil, batchNorm: block.expandBN,
                                                             stride: 1, activation: .relu6) },
                depthwise: FoldedConvolution(kind: .convolution, kernel: depthwiseKernel, bias: nil, batchNorm: block.depthwiseBN,
                                             stride: block.spec.stride, padding: .same, groups: channels, activation: .relu6),
                project: FoldedConvolution(kind: .convolution, kernel: block.project.kernel.value, bias: nil, batchNorm: block.projectBN,
                                           stride: 1, activation: .none),
                residual: block.spec.residual)
        }
    }

    /// The five skips (see `MobileNetV2Encoder.skipNames`) of an NHWC batch in [-1, 1].
    public func callAsFunction(_ input: Tensor) -> [Tensor] {
        var x = stem(input)
        var skips: [Tensor] = []
        for (index, block) in blocks.enumerated() {
            let blockInput = x
            if let expand = block.expand {
                x = expand(x)
                if MobileNetV2Encoder.expansionSkipBlocks.contains(index) { skips.append(x) }
            }
            x = block.project(block.depthwise(x))
            if MobileNetV2Encoder.projectionSkipBlocks.contains(index) { skips.append(x) }
            if block.residual { x.add(blockInput) }
        }
        return skips
    }
}

/// The whole U-Net for inference: folded encoder, decoder with BatchNorm folded into each
/// transposed convolution and ReLU fused. Equal to `UNet` in inference mode (tested).
///
/// With `precision: .bfloat16` the decoder's transposed convolutions (85% of the arithmetic)
/// multiply in bfloat16 with float32 accumulation: on 2 Zen 5 cores oneDNN ran the
/// 32x32x272 -> 64x64x64 layer at batch 32 in 23 ms (439 GFLOP/s) instead of 44 ms (234 GFLOP/s),
/// and converting its input cost 1 ms. The encoder stays float32.
public struct InferenceUNet {
    public let encoder: InferenceEncoder
    let upsamples: [FoldedConvolution]
    let output: FoldedConvolution
    public let precision: ComputePrecision

    /// The precision to use by default: bfloat16 where the CPU has native bfloat16 arithmetic.
    public static var defaultPrecision: ComputePrecision {
        (Kernels.current is OneDNNKernels && OneDNNKernels.supportsBFloat16) ? .bfloat16 : .float32
    }

    public init(_ model: UNet, precision: ComputePrecision = .float32) {
        self.precision = precision
        encoder = InferenceEncoder(model.encoder)
        upsamples = model.decoder.upsamples.map { block in
            var layer = FoldedConvolution(kind: .transposed, kernel: block.conv.kernel.value, bias: nil, batchNorm: block.bn, stride: 2, activation: .relu)
            layer.precision = precision
            return layer
        }
        output = FoldedConvolution(kind: .transposed, kernel: model.decoder.output.kernel.value, bias: model.decoder.output.bias?.value,
                                   batchNorm: nil, stride: 2, activation: .none)
    }

    /// Logits `[N, H, W, classes]` of an NHWC batch `[N, H, W, 3]` in [-1, 1].
    public func callAsFunction(_ input: Tensor) -> Tensor {
        let skips = encoder(input)
        var x = skips.last!
        for (index, upsample) in upsamples.enumerated() {
            x = Tensor.concatenate(channels: [upsample(x), skips[skips.count - 2 - index]])
        }
        return output(x)
    }
}
