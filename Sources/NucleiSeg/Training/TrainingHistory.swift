import Foundation

/// One epoch's figures, as Keras's `History` records them plus the validation IoU.
public struct EpochRecord: Codable, Sendable, Equatable {
    public var epoch: Int
    public var loss: Double
    public var accuracy: Double
    public var validationLoss: Double
    public var validationAccuracy: Double
    /// Foreground IoU over all validation pixels (summed counts, not a mean of images).
    public var validationIoU: Double
    public var seconds: Double

    public init(epoch: Int, loss: Double, accuracy: Double, validationLoss: Double, validationAccuracy: Double,
                validationIoU: Double, seconds: Double) {
        self.epoch = epoch
        self.loss = loss
        self.accuracy = accuracy
        self.validationLoss = validationLoss
        self.validationAccuracy = validationAccuracy
        self.validationIoU = validationIoU
        self.seconds = seconds
    }
}

/// The run's history: `history.csv` in the run folder.
public enum TrainingHistory {
    public static let header = "epoch,loss,accuracy,val_loss,val_accuracy,val_iou,seconds"

    public static func csv(_ records: [EpochRecord]) -> String {
        var text = header + "\n"
        for record in records {
            text += "\(record.epoch),\(format(record.loss)),\(format(record.accuracy)),\(format(record.validationLoss)),"
                + "\(format(record.validationAccuracy)),\(format(record.validationIoU)),\(String(format: "%.2f", record.seconds))\n"
        }
        return text
    }

    /// Reads a `history.csv` written by `csv(_:)`.
    public static func parse(_ text: String) -> [EpochRecord] {
        text.split(separator: "\n").dropFirst().compactMap { line in
            let fields = line.split(separator: ",").map { Double($0) }
            guard fields.count == 7, fields.allSatisfy({ $0 != nil }) else { return nil }
            let values = fields.map { $0! }
            return EpochRecord(epoch: Int(values[0]), loss: values[1], accuracy: values[2], validationLoss: values[3],
                               validationAccuracy: values[4], validationIoU: values[5], seconds: values[6])
        }
    }

    /// Nine significant digits: enough to compare runs, short enough to read.
    static func format(_ value: Double) -> String { String(format: "%.9g", value) }
}
