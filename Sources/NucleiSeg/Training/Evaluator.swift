/// Loss, pixel accuracy and foreground IoU of a model on fixed batches (inference mode), as
/// Keras computes them: means over every pixel of every batch.
public enum Evaluator {
    public struct PixelFigures: Sendable {
        public var loss: Double
        public var accuracy: Double
        /// Foreground IoU from summed TP/FP/FN over all pixels (dataset level).
        public var intersectionOverUnion: Double
    }

    public static func evaluate(model: UNet, batches: [Batch]) -> PixelFigures {
        let network = InferenceUNet(model)
        var lossSum = 0.0, pixels = 0, correct = 0
        var truePositive = 0, falsePositive = 0, falseNegative = 0
        for batch in batches {
            let logits = Variable(network(Tensor(shape: [batch.count, batch.height, batch.width, 3], scalars: batch.images)))
            let (loss, batchCorrect) = Variable.softmaxCrossEntropy(logits: logits, labels: batch.classes)
            lossSum += Double(loss.value.scalars[0]) * Double(batch.classes.count)
            pixels += batch.classes.count
            correct += batchCorrect
            logits.value.withUnsafeBufferPointer { z in
                for (index, label) in batch.classes.enumerated() {
                    let predicted = z[2 * index + 1] > z[2 * index]
                    if predicted && label == 1 { truePositive += 1 } else if predicted { falsePositive += 1 } else if label == 1 { falseNegative += 1 }
                }
            }
        }
        let union = truePositive + falsePositive + falseNegative
        return PixelFigures(loss: lossSum / Double(max(pixels, 1)), accuracy: Double(correct) / Double(max(pixels, 1)),
                            intersectionOverUnion: union == 0 ? 1 : Double(truePositive) / Double(union))
    }
}
