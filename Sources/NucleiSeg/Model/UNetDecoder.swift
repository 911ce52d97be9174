/// The pix2pix "upsample" decoder of the TensorFlow segmentation tutorial (Ronneberger et al.,
/// 2015, "U-Net"): four blocks of 3x3 stride-2 `Conv2DTranspose` (no bias, normal(0, 0.02))
/// -> BatchNorm -> ReLU, each followed by concatenation with the matching encoder skip, then a
/// 3x3 stride-2 `Conv2DTranspose` with bias to `classes` logits at the input resolution.
public final class UNetDecoder: Module {
    public static let filters = [512, 256, 128, 64]

    final class UpsampleBlock: Module {
        let conv: Conv2DTranspose
        let bn: BatchNorm
        init(inputChannels: Int, filters: Int, generator: inout SeededGenerator) {
            conv = Conv2DTranspose(inputChannels: inputChannels, filters: filters, useBias: false,
                                   kernelStandardDeviation: 0.02, generator: &generator)
            bn = BatchNorm(channels: filters)
        }
        override var namedChildren: [(String, Module)] { [("conv", conv), ("bn", bn)] }
        func callAsFunction(_ input: Variable) -> Variable { bn.normalizedReLU(conv(input)) }
        /// The block's output concatenated with `skip`, without a separate activated tensor.
        func callAsFunction(_ input: Variable, concatenatedWith skip: Variable) -> Variable {
            bn.normalizedReLU(conv(input), concatenatedWith: skip)
        }
    }

    let upsamples: [UpsampleBlock]
    let output: Conv2DTranspose

    /// - Parameter skipChannels: channels of the encoder skips, shallow to deep (96, 144, 192, 576, 320).
    public init(skipChannels: [Int] = [96, 144, 192, 576, 320], classes: Int = 2, generator: inout SeededGenerator) {
        precondition(skipChannels.count == Self.filters.count + 1, "the decoder needs \(Self.filters.count + 1) skips")
        var blocks: [UpsampleBlock] = []
        var channels = skipChannels.last!
        for (index, filters) in Self.filters.enumerated() {
            blocks.append(UpsampleBlock(inputChannels: channels, filters: filters, generator: &generator))
            channels = filters + skipChannels[skipChannels.count - 2 - index]
        }
        upsamples = blocks
        output = Conv2DTranspose(inputChannels: channels, filters: classes, useBias: true, generator: &generator)
    }

    /// Arithmetic of the upsampling convolutions while training (float32 or mixed bfloat16).
    /// The 2-filter output layer stays float32: its bfloat16 kernels were slower (forward 27 ms
    /// against 17 ms at batch 32), as two output channels leave the vector units idle.
    public var precision: ComputePrecision = .float32 {
        didSet {
            for block in upsamples { block.conv.precision = precision }
        }
    }

    override public var namedChildren: [(String, Module)] {
        upsamples.enumerated().map { ("up\($0.offset + 1)", $0.element as Module) } + [("output", output)]
    }

    /// - Parameter skips: the encoder outputs, shallow to deep.
    public func callAsFunction(_ skips: [Variable]) -> Variable {
        var x = skips.last!
        for (index, block) in upsamples.enumerated() {
            x = block(x, concatenatedWith: skips[skips.count - 2 - index])
        }
        return output(x)
    }
}
