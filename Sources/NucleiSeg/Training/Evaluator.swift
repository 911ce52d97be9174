/// Loss, pixel accuracy and foreground IoU of a model on fixed batches (inference mode), as
/// Keras computes them: means over every pixel of every batch.
public enum Evaluator {
    public struct PixelFigures: Sendable {
        public var loss: Double
        public var accuracy: Double
        /// Foreground IoU from summed TP/FP/FN over all pixels (dataset level).
        public var intersectionOverUnion: Double
    }

    /// - Parameter classWeights: the loss's class weights (nil: all 1), as in training.
    public static func evaluate(model: UNet, batches: [Batch], classWeights: [Float]? = nil) -> PixelFigures {
        let network = InferenceUNet(model)
        var lossSum = 0.0, pixels = 0, correct = 0
        var confusion = PixelConfusion()
        for batch in batches {
            let logits = Variable(network(Tensor(shape: [batch.count, batch.height, batch.width, 3], scalars: batch.images)))
            let (loss, batchCorrect) = Variable.softmaxCrossEntropy(logits: logits, labels: batch.classes, classWeights: classWeights)
            lossSum += Double(loss.value.scalars[0]) * Double(batch.classes.count)
            pixels += batch.classes.count
            correct += batchCorrect
            let classes = logits.shape.last!
            logits.value.withUnsafeBufferPointer { z in
                for (index, label) in batch.classes.enumerated() {
                    // Foreground: any class but background wins the arg-max.
                    let base = index * classes
                    var best = 0
                    for c in 1..<classes where z[base + c] > z[base + best] { best = c }
                    confusion.add(truth: label != 0, prediction: best != 0)
                }
            }
        }
        return PixelFigures(loss: lossSum / Double(max(pixels, 1)), accuracy: Double(correct) / Double(max(pixels, 1)),
                            intersectionOverUnion: confusion.foregroundIoU)
    }
}
