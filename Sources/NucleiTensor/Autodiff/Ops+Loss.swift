/// Softmax cross-entropy from logits with integer labels (Keras
/// `SparseCategoricalCrossentropy(from_logits=True)`), averaged over every pixel of the batch.
extension Variable {
    /// - Parameters:
    ///   - logits: `[..., classes]` (NHWC logits of a segmentation net).
    ///   - labels: one class index per position, `logits.count / classes` values.
    /// - Returns: the scalar mean loss (shape `[]`) and the number of positions whose arg-max
    ///   equals the label (for Keras-style pixel accuracy).
    ///   - classWeights: one weight per class (nil: all 1). Each position's loss is multiplied
    ///     by the weight of its label and the sum divided by the number of positions (Keras's
    ///     `sample_weight` with the default `sum_over_batch_size` reduction).
    public static func softmaxCrossEntropy(logits: Variable, labels: [Int32], classWeights: [Float]? = nil) -> (loss: Variable, correct: Int) {
        let classes = logits.shape.last!
        let positions = logits.value.count / classes
        precondition(labels.count == positions, "\(labels.count) labels for \(positions) positions of logits \(logits.shape)")
        precondition(classWeights.map { $0.count == classes } ?? true, "\(classWeights?.count ?? 0) class weights for \(classes) classes")
        let weights = classWeights ?? [Float](repeating: 1, count: classes)
        var probabilities = Tensor(shape: logits.shape)
        var total = 0.0
        var correct = 0
        logits.value.withUnsafeBufferPointer { z in
            probabilities.withUnsafeMutableBufferPointer { p in
                for position in 0..<positions {
                    let base = position * classes
                    let label = Int(labels[position])
                    precondition(label >= 0 && label < classes, "label \(label) outside 0..<\(classes)")
                    var largest = z[base]
                    var best = 0
                    for c in 1..<classes where z[base + c] > largest {
                        largest = z[base + c]
                        best = c
                    }
                    var sum: Float = 0
                    for c in 0..<classes {
                        let e = _exp(z[base + c] - largest)
                        p[base + c] = e
                        sum += e
                    }
                    for c in 0..<classes { p[base + c] /= sum }
                    total += Double(weights[label]) * Double(largest + _logf(sum) - z[base + label])
                    if best == label { correct += 1 }
                }
            }
        }
        let loss = Tensor(shape: [], scalars: [Float(total / Double(max(positions, 1)))])
        let softmax = probabilities
        let result = record(loss, parents: [logits]) { outputGradient in
            let scale = outputGradient.scalars[0] / Float(max(positions, 1))
            var gradient = softmax
            gradient.withUnsafeMutableBufferPointer { g in
                for position in 0..<positions {
                    let label = Int(labels[position])
                    let base = position * classes
                    g[base + label] -= 1
                    let factor = scale * weights[label]
                    for c in 0..<classes { g[base + c] *= factor }
                }
            }
            logits.accumulateGradient(gradient)
        }
        return (result, correct)
    }
}

#if canImport(Glibc)
import Glibc
@inline(__always) func _exp(_ x: Float) -> Float { Glibc.expf(x) }
@inline(__always) func _logf(_ x: Float) -> Float { Glibc.logf(x) }
#elseif canImport(Darwin)
import Darwin
@inline(__always) func _exp(_ x: Float) -> Float { Darwin.expf(x) }
@inline(__always) func _logf(_ x: Float) -> Float { Darwin.logf(x) }
#endif
