/// The segmentation model: MobileNetV2 encoder + U-Net decoder, NHWC `[N, H, W, 3]` in [-1, 1]
/// to logits `[N, H, W, classes]` (class 0 background, class 1 nucleus). H and W must be
/// multiples of 32 (five stride-2 stages).
///
/// Checkpoint keys: the encoder's Keras names (`Conv1/kernel`, …) and `decoder.<block>.<layer>.<tensor>`.
public final class UNet: Module {
    public let encoder: MobileNetV2Encoder
    public let decoder: UNetDecoder

    public init(classes: Int = 2, seed: UInt64 = 0) {
        var generator = SeededGenerator(seed: seed)
        encoder = MobileNetV2Encoder(generator: &generator)
        decoder = UNetDecoder(classes: classes, generator: &generator)
        super.init()
        encoder.setTrainable(false)
    }

    /// Output classes (2: the seed head; 3: the contour head).
    public var classes: Int { decoder.output.kernel.shape[2] }

    override public var namedChildren: [(String, Module)] { [("encoder", encoder), ("decoder", decoder)] }
    override public func keyPrefix(forChild name: String) -> String { name == "encoder" ? "" : name + "." }

    /// Whether the encoder's weights are being trained (fine-tuning). A frozen encoder runs its
    /// BatchNorms in inference mode even while the decoder trains (Keras semantics since TF 2).
    public var isEncoderTrainable: Bool { encoder.namedParameters().first?.1.requiresGradient ?? false }

    /// Sets train/inference mode; a frozen encoder always stays in inference mode.
    public func setMode(training: Bool) {
        setTraining(training)
        if !isEncoderTrainable { encoder.setTraining(false) }
    }

    public func callAsFunction(_ input: Variable) -> Variable {
        precondition(input.shape.count == 4 && input.shape[3] == 3 && input.shape[1] % 32 == 0 && input.shape[2] % 32 == 0,
                     "the model takes NHWC [N, H, W, 3] with H and W multiples of 32, got \(input.shape)")
        return decoder(encoder(input))
    }
}
