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
         groups: Int = 1, activation: FusedActivation, precision: ComputePrecision = .float32) {
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
        self.precision = precision
    }

    func callAsFunction(_ input: Tensor) -> Tensor {
        switch kind {
        case .convolution:
            let pads = padding.resolve(height: input.shape[1], width: input.shape[2], kernelHeight: weights.shape[0],
                                       kernelWidth: weights.shape[1], stride: stride)
            return input.convolved(weights: weights, bias: bias, stride: stride, padding: pads, groups: groups, activation: activation,
                                   precision: precision)
        case .transposed:
            return transposedWithBiasAndActivation(input, concatenatedWith: nil)
        }
    }

    /// The transposed convolution, then its bias and activation written next to `skip`'s channels
    /// (when given) in one pass: the U-Net's concatenation without a separate activated tensor.
    ///
    /// oneDNN 2.6 picks a much slower deconvolution kernel when a bias or a post-op is attached
    /// (32x32x272 -> 64x64x64 at batch 32: ~200 ms fused against ~49 ms plain, see
    /// NUCLEISEG_KERNELS_TRACE), so bias and activation follow in a pass of their own; writing that
    /// pass straight into the concatenation buffer saves a tensor of the block's output size and
    /// the concatenation's copy of it (issue 13).
    func transposedWithBiasAndActivation(_ input: Tensor, concatenatedWith skip: Tensor?) -> Tensor {
        precondition(kind == .transposed, "transposedWithBiasAndActivation of a \(kind) layer")
        let raw = input.transposedConvolved(weights: weights, bias: nil, stride: stride, precision: precision)
        let channels = bias.count, skipChannels = skip?.shape.last ?? 0
        if let skip {
            precondition(Array(skip.shape.dropLast()) == Array(raw.shape.dropLast()),
                         "skip \(skip.shape) does not match the upsampled \(raw.shape)")
        }
        let total = channels + skipChannels, rows = raw.count / channels
        let activation = activation
        return Tensor(shape: Array(raw.shape.dropLast()) + [total]) { output in
            raw.withUnsafeBufferPointer { values in
                bias.withUnsafeBufferPointer { b in
                    let out = output.baseAddress!, x = values.baseAddress!
                    for row in 0..<rows {
                        let source = x + row * channels, destination = out + row * total
                        switch activation {
                        case .none: for c in 0..<channels { destination[c] = source[c] + b[c] }
                        case .relu: for c in 0..<channels { destination[c] = max(source[c] + b[c], 0) }
                        case .relu6: for c in 0..<channels { destination[c] = min(max(source[c] + b[c], 0), 6) }
                        }
                    }
                }
            }
            skip?.withUnsafeBufferPointer { skipValues in
                let out = output.baseAddress! + channels, source = skipValues.baseAddress!
                for row in 0..<rows { (out + row * total).update(from: source + row * skipChannels, count: skipChannels) }
            }
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

    /// - Parameter precision: the arithmetic of every convolution (`.bfloat16` for inference only:
    ///   the frozen encoder of a training step stays float32, so training figures do not move).
    public init(_ encoder: MobileNetV2Encoder, precision: ComputePrecision = .float32) {
        stem = FoldedConvolution(kind: .convolution, kernel: encoder.conv1.kernel.value, bias: nil, batchNorm: encoder.bnConv1,
                                 stride: 2, padding: .same, activation: .relu6, precision: precision)
        blocks = encoder.blocks.map { block in
            let channels = block.depthwise.depthwiseKernel.shape[2]
            let depthwiseKernel = block.depthwise.depthwiseKernel.value.reshaped([3, 3, 1, channels])
            return Block(
                expand: block.expand.map { FoldedConvolution(kind: .convolution, kernel: $0.kernel.value, bias: nil, batchNorm: block.expandBN,
                                                             stride: 1, activation: .relu6, precision: precision) },
                depthwise: FoldedConvolution(kind: .convolution, kernel: depthwiseKernel, bias: nil, batchNorm: block.depthwiseBN,
                                             stride: block.spec.stride, padding: .same, groups: channels, activation: .relu6,
                                             precision: precision),
                project: FoldedConvolution(kind: .convolution, kernel: block.project.kernel.value, bias: nil, batchNorm: block.projectBN,
                                           stride: 1, activation: .none, precision: precision),
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
/// and converting its input cost 1 ms. The 2-filter output layer stays float32 (two output
/// channels leave the bfloat16 vector units idle, see `UNetDecoder.precision`).
///
/// The encoder stays float32 unless `encoderPrecision` says otherwise: with a bfloat16 encoder
/// the shipped model's pixel figures on three DSB2018 test images moved by at most 0.0005, but
/// its DSB2018 instance score by 0.006 (0.5067 -> 0.5007), more than the 0.005 the project allows;
/// the bfloat16 decoder alone moved every figure by less than 0.0001 (`PrecisionEvaluationTests`).
public struct InferenceUNet {
    public let encoder: InferenceEncoder
    let upsamples: [FoldedConvolution]
    let output: FoldedConvolution
    /// The arithmetic of the decoder's upsampling convolutions.
    public let precision: ComputePrecision
    /// The arithmetic of the encoder's convolutions.
    public let encoderPrecision: ComputePrecision

    /// The precision to use by default: bfloat16 where the CPU has native bfloat16 arithmetic.
    public static var defaultPrecision: ComputePrecision {
        (Kernels.current is OneDNNKernels && OneDNNKernels.supportsBFloat16) ? .bfloat16 : .float32
    }

    /// - Parameters:
    ///   - precision: the decoder's arithmetic.
    ///   - encoderPrecision: the encoder's arithmetic.
    public init(_ model: UNet, precision: ComputePrecision = .float32, encoderPrecision: ComputePrecision = .float32) {
        self.precision = precision
        self.encoderPrecision = encoderPrecision
        encoder = InferenceEncoder(model.encoder, precision: encoderPrecision)
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
            x = upsample.transposedWithBiasAndActivation(x, concatenatedWith: skips[skips.count - 2 - index])
        }
        return output(x)
    }
}
