import Foundation
import NucleiSeg

/// Keras-style progress text: `12/17 [=============>...........] - ETA: 4s - loss: 0.2345 - accuracy: 0.9123`.
public enum ProgressFormatter {
    /// The bar of `width` characters for `done` of `total`.
    public static func bar(done: Int, total: Int, width: Int = 30) -> String {
        guard total > 0 else { return "[" + String(repeating: ".", count: width) + "]" }
        let filled = min(width, done * width / total)
        if filled >= width { return "[" + String(repeating: "=", count: width) + "]" }
        return "[" + String(repeating: "=", count: filled) + (done > 0 ? ">" : ".")
            + String(repeating: ".", count: max(0, width - filled - 1)) + "]"
    }

    /// A duration the way Keras prints it: `4s`, `1:02`, `1:02:03`.
    public static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        if total < 60 { return "\(total)s" }
        if total < 3600 { return String(format: "%d:%02d", total / 60, total % 60) }
        return String(format: "%d:%02d:%02d", total / 3600, (total / 60) % 60, total % 60)
    }

    /// The line shown while an epoch runs.
    public static func stepLine(step: Int, steps: Int, elapsed: Double, loss: Double, accuracy: Double) -> String {
        let eta = step > 0 ? elapsed / Double(step) * Double(steps - step) : 0
        let width = String(steps).count
        let counter = String(repeating: " ", count: width - String(step).count) + "\(step)/\(steps)"
        return "\(counter) \(bar(done: step, total: steps)) - ETA: \(duration(eta)) - loss: \(fixed(loss)) - accuracy: \(fixed(accuracy))"
    }

    /// The line that closes an epoch.
    public static func epochLine(_ record: EpochRecord, steps: Int) -> String {
        let perStep = record.seconds / Double(max(steps, 1)) * 1000
        return "\(steps)/\(steps) \(bar(done: steps, total: steps)) - \(duration(record.seconds)) \(Int(perStep.rounded()))ms/step"
            + " - loss: \(fixed(record.loss)) - accuracy: \(fixed(record.accuracy))"
            + " - val_loss: \(fixed(record.validationLoss)) - val_accuracy: \(fixed(record.validationAccuracy))"
            + " - val_iou: \(fixed(record.validationIoU))"
    }

    static func fixed(_ value: Double) -> String { String(format: "%.4f", value) }
}
