import NucleiSeg

/// The one-line text `nucleiseg` prints for an error: the library's message, with its advice
/// worded as this command line's flags where the library can only say it in words (the library
/// knows no flags: a server or a script calls the same code).
enum CommandLineMessage {
    static func text(for error: Error) -> String {
        switch error {
        case let error as TrainingError:
            switch error {
            case let .nonFiniteLoss(epoch, step, checkpoint):
                return "the loss became NaN/Inf at epoch \(epoch), step \(step); training stopped"
                    + (checkpoint.map { "; the last good checkpoint is \($0)" } ?? "; no checkpoint had been written yet")
                    + " (try a lower --learning-rate)"
            case let .runExists(path, marker):
                return "\(path): already holds a training run (\(marker)); continue it with --resume, replace it with --overwrite, or choose another --output"
            case let .testDataIsTrainingData(path):
                return "\(path): given both as training data and as the test folder; a model is tested on images it has not seen (give another folder, or leave out --test-data to use a test split)"
            case let .runInUse(path):
                return "\(path): another nucleiseg train is using this run folder (it holds \(path)/.lock); wait for it or choose another --output"
            case .noTrainingImages, .noValidationImages, .nothingToResume:
                return UserMessage.text(for: error)
            }
        case let ExportError.outputExists(path):
            return "\(path): already exists; remove it or choose another --output"
        case CheckpointError.fileNotFound(ShippedModel.missingResourcePath):
            return CheckpointError.fileNotFound(path: "\(ShippedModel.resourceName).safetensors (package resource; pass --model FILE)").description
        default:
            return UserMessage.text(for: error)
        }
    }
}
