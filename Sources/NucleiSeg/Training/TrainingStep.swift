/// The forward pass of a training step.
///
/// With a frozen encoder (the default) the encoder is pure inference: Keras runs a frozen
/// BatchNorm in inference mode and no gradient flows into it, so its skips come from the folded
/// `InferenceEncoder` (one fused kernel per conv, nothing recorded) and only the decoder builds
/// an autodiff graph. A trainable encoder runs the full graph in training mode.
public enum TrainingStep {
    /// The folded encoder to use while training, or nil when the encoder itself trains.
    public static func frozenEncoder(of model: UNet) -> InferenceEncoder? {
        model.isEncoderTrainable ? nil : InferenceEncoder(model.encoder)
    }

    /// Logits of `input` (NHWC in [-1, 1]) in training mode, ready for the loss and backward.
    public static func logits(_ model: UNet, frozenEncoder: InferenceEncoder?, input: Tensor) -> Variable {
        model.setMode(training: true)
        guard let frozenEncoder else { return model(Variable(input)) }
        return model.decoder(frozenEncoder(input).map { Variable($0) })
    }
}
