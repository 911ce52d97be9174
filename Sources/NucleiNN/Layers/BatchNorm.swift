/// Keras `BatchNormalization` over the channel axis (epsilon 1e-3, momentum 0.99 by default).
///
/// Training mode normalises with the batch statistics and updates the moving averages
/// `moving = moving * momentum + batch * (1 - momentum)` (biased batch variance, as Keras);
/// inference mode uses the moving statistics. Keys: `gamma`, `beta` (parameters) and
/// `moving_mean`, `moving_variance` (buffers).
public final class BatchNorm: Module {
    public let gamma: Variable
    public let beta: Variable
    public let movingMean: Variable
    public let movingVariance: Variable
    public let momentum: Float
    public let epsilon: Float

    public init(channels: Int, momentum: Float = 0.99, epsilon: Float = 1e-3) {
        gamma = Variable(Tensor(shape: [channels], repeating: 1), requiresGradient: true)
        beta = Variable(Tensor(shape: [channels]), requiresGradient: true)
        movingMean = Variable(Tensor(shape: [channels]))
        movingVariance = Variable(Tensor(shape: [channels], repeating: 1))
        self.momentum = momentum
        self.epsilon = epsilon
    }

    override public var namedOwnParameters: [(String, Variable)] { [("gamma", gamma), ("beta", beta)] }
    override public var namedOwnBuffers: [(String, Variable)] {
        [("moving_mean", movingMean), ("moving_variance", movingVariance)]
    }

    public func callAsFunction(_ input: Variable) -> Variable {
        guard isTraining else {
            return Variable.batchNormInference(input, gamma: gamma, beta: beta, mean: movingMean.value,
                                               variance: movingVariance.value, epsilon: epsilon)
        }
        let (output, mean, variance) = Variable.batchNormTraining(input, gamma: gamma, beta: beta, epsilon: epsilon)
        updateMovingStatistics(mean: mean, variance: variance)
        return output
    }

    /// `concatenateChannels([relu(self(input)), skip])` (just the ReLU when `skip` is nil): the
    /// U-Net decoder's BatchNorm -> ReLU -> concatenation. In training mode one fused op
    /// (`Variable.batchNormTrainingReLU`) that keeps no intermediate tensor; the same figures.
    public func normalizedReLU(_ input: Variable, concatenatedWith skip: Variable? = nil) -> Variable {
        guard isTraining else {
            let activated = Variable.relu(self(input))
            return skip.map { Variable.concatenateChannels([activated, $0]) } ?? activated
        }
        let (output, mean, variance) = Variable.batchNormTrainingReLU(input, gamma: gamma, beta: beta, epsilon: epsilon,
                                                                      concatenatedWith: skip)
        updateMovingStatistics(mean: mean, variance: variance)
        return output
    }

    /// `moving = moving * momentum + batch * (1 - momentum)`.
    private func updateMovingStatistics(mean: Tensor, variance: Tensor) {
        let keep = momentum
        movingMean.value = movingMean.value.zipMap(mean) { moving, batch in moving * keep + batch * (1 - keep) }
        movingVariance.value = movingVariance.value.zipMap(variance) { moving, batch in moving * keep + batch * (1 - keep) }
    }
}
