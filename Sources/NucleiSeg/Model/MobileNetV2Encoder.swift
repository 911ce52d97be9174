/// The MobileNetV2 encoder (Sandler et al., 2018, "MobileNetV2: Inverted Residuals and Linear
/// Bottlenecks"), alpha 1.0, exactly as Keras builds it, from `Conv1` to `block_16_project`.
///
/// Keys are the Keras weight names (`Conv1/kernel`, `block_3_depthwise/depthwise_kernel`,
/// `bn_Conv1/moving_mean`, …) so the ImageNet backbone file loads by name. Stride-2 layers pad
/// like Keras's `correct_pad` + 'valid' (top/left 0 for even sizes, 1 for odd; bottom/right 1),
/// which equals TensorFlow 'same' for a 3x3 kernel at stride 2, so the padding is folded into
/// the convolution instead of copying the input.
///
/// Returns the U-Net skips `block_1_expand_relu` (H/2), `block_3_expand_relu` (H/4),
/// `block_6_expand_relu` (H/8), `block_13_expand_relu` (H/16) and `block_16_project` (H/32, the
/// raw projection before its BatchNorm).
public final class MobileNetV2Encoder: Module {
    /// One inverted-residual block's configuration.
    struct BlockSpec {
        let prefix: String
        let expansion: Int
        let inputChannels: Int
        let outputChannels: Int
        let stride: Int
        var residual: Bool { stride == 1 && inputChannels == outputChannels }
    }

    static let blockSpecs: [BlockSpec] = {
        // (expansion t, output channels c, repeats n, first stride s) from the paper's Table 2.
        let table: [(Int, Int, Int, Int)] = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]
        var specs: [BlockSpec] = []
        var channels = 32
        for (expansion, output, repeats, stride) in table {
            for index in 0..<repeats {
                let prefix = specs.isEmpty ? "expanded_conv_" : "block_\(specs.count)_"
                specs.append(BlockSpec(prefix: prefix, expansion: expansion, inputChannels: channels, outputChannels: output,
                                       stride: index == 0 ? stride : 1))
                channels = output
            }
        }
        return specs
    }()

    /// Keras names of the five skip outputs, shallow to deep.
    public static let skipNames = ["block_1_expand_relu", "block_3_expand_relu", "block_6_expand_relu", "block_13_expand_relu", "block_16_project"]

    /// Where a skip is taken: a block and which of its outputs.
    public struct SkipTap: Equatable, Sendable {
        /// Index of the inverted-residual block (0 is `expanded_conv`, then `block_1`, ...).
        public var block: Int
        /// The block's expansion after its ReLU6 (`expand_relu`), else its raw projection (`project`).
        public var afterExpansion: Bool

        public init(block: Int, afterExpansion: Bool) {
            self.block = block
            self.afterExpansion = afterExpansion
        }
    }

    /// The skips of `skipNames`, in that order, derived from the names so that the training
    /// encoder and its inference copy cannot disagree with them.
    public static let skipTaps: [SkipTap] = skipNames.map { name in
        guard let block = blockSpecs.firstIndex(where: { name.hasPrefix($0.prefix) }) else {
            preconditionFailure("skip \(name) names no MobileNetV2 block")
        }
        let layer = name.dropFirst(blockSpecs[block].prefix.count)
        precondition(layer == "expand_relu" || layer == "project", "skip \(name): expected a block's expand_relu or project output")
        return SkipTap(block: block, afterExpansion: layer == "expand_relu")
    }

    /// Blocks whose expansion output is a skip.
    static let expansionSkipBlocks = Set(skipTaps.filter(\.afterExpansion).map(\.block))
    /// Blocks whose projection output is a skip.
    static let projectionSkipBlocks = Set(skipTaps.filter { !$0.afterExpansion }.map(\.block))

    let conv1: Conv2D
    let bnConv1: BatchNorm
    let blocks: [InvertedResidualBlock]

    /// A randomly initialised encoder (load ImageNet weights with `load(_:from:)`).
    public init(generator: inout SeededGenerator) {
        conv1 = Conv2D(inputChannels: 3, outputChannels: 32, kernelSize: 3, stride: 2, padding: .same, useBias: false, generator: &generator)
        bnConv1 = BatchNorm(channels: 32, momentum: 0.999)
        blocks = Self.blockSpecs.map { InvertedResidualBlock(spec: $0, generator: &generator) }
    }

    override public var namedChildren: [(String, Module)] {
        var children: [(String, Module)] = [("Conv1", conv1), ("bn_Conv1", bnConv1)]
        for block in blocks { children += block.kerasLayers }
        return children
    }

    override public func keyPrefix(forChild name: String) -> String { name + "/" }

    /// Runs the encoder on an NHWC batch in MobileNetV2 range [-1, 1] and returns the five skips.
    public func callAsFunction(_ input: Variable) -> [Variable] {
        var x = Variable.relu6(bnConv1(conv1(input)))
        var skips: [Variable] = []
        for (index, block) in blocks.enumerated() {
            let (output, expanded, projected) = block(x)
            if Self.expansionSkipBlocks.contains(index) { skips.append(expanded!) }
            if Self.projectionSkipBlocks.contains(index) { skips.append(projected) }
            x = output
        }
        return skips
    }
}

/// Expand (1x1) -> BN -> ReLU6 -> depthwise 3x3 -> BN -> ReLU6 -> project (1x1) -> BN (+ input).
final class InvertedResidualBlock: Module {
    let spec: MobileNetV2Encoder.BlockSpec
    let expand: Conv2D?
    let expandBN: BatchNorm?
    let depthwise: DepthwiseConv2D
    let depthwiseBN: BatchNorm
    let project: Conv2D
    /// Absent for block 16, whose raw projection is the deepest skip.
    let projectBN: BatchNorm?

    init(spec: MobileNetV2Encoder.BlockSpec, generator: inout SeededGenerator) {
        self.spec = spec
        let hidden = spec.inputChannels * spec.expansion
        if spec.expansion != 1 {
            expand = Conv2D(inputChannels: spec.inputChannels, outputChannels: hidden, kernelSize: 1, useBias: false, generator: &generator)
            expandBN = BatchNorm(channels: hidden, momentum: 0.999)
        } else {
            expand = nil
            expandBN = nil
        }
        depthwise = DepthwiseConv2D(channels: hidden, kernelSize: 3, stride: spec.stride, padding: .same, useBias: false, generator: &generator)
        depthwiseBN = BatchNorm(channels: hidden, momentum: 0.999)
        project = Conv2D(inputChannels: hidden, outputChannels: spec.outputChannels, kernelSize: 1, useBias: false, generator: &generator)
        projectBN = spec.prefix == "block_16_" ? nil : BatchNorm(channels: spec.outputChannels, momentum: 0.999)
    }

    /// The Keras layers of this block, by name, in Keras order.
    var kerasLayers: [(String, Module)] {
        let p = spec.prefix
        var layers: [(String, Module)] = []
        if let expand, let expandBN { layers += [(p + "expand", expand), (p + "expand_BN", expandBN)] }
        layers += [(p + "depthwise", depthwise), (p + "depthwise_BN", depthwiseBN), (p + "project", project)]
        if let projectBN { layers.append((p + "project_BN", projectBN)) }
        return layers
    }

    /// - Returns: the block output, the expanded activation (`expand_relu`) and the raw projection.
    func callAsFunction(_ input: Variable) -> (output: Variable, expanded: Variable?, projected: Variable) {
        var expanded: Variable?
        var x = input
        if let expand, let expandBN {
            x = Variable.relu6(expandBN(expand(x)))
            expanded = x
        }
        x = Variable.relu6(depthwiseBN(depthwise(x)))
        let projected = project(x)
        guard let projectBN else { return (projected, expanded, projected) }
        var output = projectBN(projected)
        if spec.residual { output = Variable.add(input, output) }
        return (output, expanded, projected)
    }
}
