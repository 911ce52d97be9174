import Foundation

/// Why a training run stopped early; every message says what to do, in the library's words
/// (the command line words the same advice with its flags: `CommandLineMessage`).
public enum TrainingError: Error, LocalizedError, CustomStringConvertible, Equatable {
    case noTrainingImages(path: String)
    case noValidationImages(path: String)
    case nonFiniteLoss(epoch: Int, step: Int, lastGoodCheckpoint: String?)
    case nothingToResume(path: String)
    case runExists(path: String, marker: String)
    case runInUse(path: String)
    case testDataIsTrainingData(path: String)

    public var description: String {
        switch self {
        case let .noTrainingImages(path): return "\(path): no training images found (expected a train split or an unsplit dataset)"
        case let .noValidationImages(path):
            return "\(path): no validation images (need at least 2 training images for the 80:20 split, or a val split)"
        case let .nonFiniteLoss(epoch, step, checkpoint):
            return "the loss became NaN/Inf at epoch \(epoch), step \(step); training stopped"
                + (checkpoint.map { "; the last good checkpoint is \($0)" } ?? "; no checkpoint had been written yet")
                + " (try a lower learning rate)"
        case let .nothingToResume(path): return "\(path): no checkpoint to resume from (expected checkpoints/last.safetensors)"
        case let .runExists(path, marker):
            return "\(path): already holds a training run (\(marker)); resume it, overwrite it, or choose another run folder"
        case let .testDataIsTrainingData(path):
            return "\(path): given both as training data and as the test folder; a model is tested on images it has not seen (give another test folder, or none to use a test split)"
        case let .runInUse(path):
            return "\(path): another nucleiseg train is using this run folder (it holds \(path)/.lock); wait for it or choose another run folder"
        }
    }

    public var errorDescription: String? { description }
}
