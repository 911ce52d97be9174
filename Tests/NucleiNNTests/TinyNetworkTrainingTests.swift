import NucleiNN
import Testing

@Suite struct TinyNetworkTrainingTests {
    /// A small conv net learns to mark the bright pixels of random images (a toy segmentation):
    /// its loss must fall at least tenfold within a few hundred Adam steps.
    @Test func smallConvNetLearnsSyntheticSegmentation() {
        var generator = SeededGenerator(seed: 3)
        let conv1 = Conv2D(inputChannels: 1, outputChannels: 8, kernelSize: 3, padding: .same, generator: &generator)
        let bn = BatchNorm(channels: 8)
        let conv2 = Conv2D(inputChannels: 8, outputChannels: 2, kernelSize: 1, generator: &generator)
        bn.setTraining(true)
        let images = Tensor.randomUniform([8, 8, 8, 1], low: -1, high: 1, generator: &generator)
        let labels = images.scalars.map { Int32($0 > 0.2 ? 1 : 0) }
        let adam = Adam(learningRate: 1e-2)
        let parameters = (conv1.namedParameters() + bn.namedParameters() + conv2.namedParameters()).map(\.1)
        var losses: [Float] = []
        for _ in 0..<300 {
            let logits = conv2(Variable.relu(bn(conv1(Variable(images)))))
            let (loss, _) = Variable.softmaxCrossEntropy(logits: logits, labels: labels)
            losses.append(loss.value.scalars[0])
            loss.backward()
            adam.update(parameters)
        }
        #expect(losses.last! * 10 < losses.first!, "loss went from \(losses.first!) to \(losses.last!)")
    }
}
