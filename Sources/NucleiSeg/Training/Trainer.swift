import Foundation
import _FileSystemMessages

/// What a training run reports while it works (the CLI turns these into a Keras-style display).
public enum TrainingEvent: Sendable {
    case loading(done: Int, total: Int)
    case started(trainingItems: Int, validationItems: Int, stepsPerEpoch: Int, firstEpoch: Int, epochs: Int)
    case step(epoch: Int, step: Int, steps: Int, loss: Double, accuracy: Double, elapsed: Double)
    case epochEnded(EpochRecord, improved: Bool)
    case earlyStopped(epoch: Int, bestEpoch: Int)
    case interrupted(epoch: Int, step: Int, savedTo: String)
    case note(String)
}

/// How a run ended.
public struct TrainingResult: Sendable {
    public var history: [EpochRecord]
    public var bestEpoch: Int
    public var bestValidationLoss: Double
    public var interrupted: Bool
    /// The final model (best weights restored): `RUN/model.safetensors`.
    public var modelFile: URL
}

/// The training loop of the published pipeline: Adam on softmax cross-entropy, validation each
/// epoch, EarlyStopping on val_loss with patience and best-weight restoring, checkpoints written
/// atomically each epoch, resumable, interruptible.
///
/// Run folder layout:
///
///     RUN/history.csv                     one row per finished epoch
///     RUN/checkpoints/last.safetensors    weights + Adam state + loop state after the last epoch
///     RUN/checkpoints/best.safetensors    weights of the best epoch so far (lowest val_loss)
///     RUN/checkpoints/interrupted.safetensors  weights at Ctrl-C (mid-epoch), if any
///     RUN/model.safetensors               the final model: best weights, with all metadata
public final class Trainer {
    public let options: TrainingOptions
    public let data: TrainingData
    public let model: UNet
    public let optimizer: Adam
    public let runDirectory: URL
    /// Held (with its lock) as long as the trainer lives.
    public let runFolder: RunFolder
    let events: (TrainingEvent) -> Void

    var history: [EpochRecord] = []
    var bestValidationLoss = Double.infinity
    var bestEpoch = 0
    var bestWeights: [String: Tensor]?
    var epochsWithoutImprovement = 0
    /// Median nucleus diameter of the training images (recorded for `--diameter`).
    let nucleusDiameter: Double?

    public var checkpointsDirectory: URL { runDirectory.appendingPathComponent("checkpoints") }
    public var lastCheckpoint: URL { checkpointsDirectory.appendingPathComponent("last.safetensors") }
    public var bestCheckpoint: URL { checkpointsDirectory.appendingPathComponent("best.safetensors") }
    public var finalModel: URL { runDirectory.appendingPathComponent("model.safetensors") }
    public var historyFile: URL { runDirectory.appendingPathComponent("history.csv") }

    /// Prepares a run: a fresh model (ImageNet encoder unless `pretrainedEncoder` is off), or, with
    /// `resume`, the state saved in `RUN/checkpoints/last.safetensors`.
    ///
    /// - Parameter runFolder: the opened (locked, checked) run folder; opened here from
    ///   `options.outputDirectory` when nil, with `resume` choosing between a new run and `.resume`.
    public init(options: TrainingOptions, data: TrainingData, resume: Bool = false, runFolder: RunFolder? = nil,
                events: @escaping (TrainingEvent) -> Void = { _ in }) throws {
        self.options = options
        self.data = data
        self.events = events
        let folder = try runFolder ?? RunFolder(path: options.outputDirectory, mode: resume ? .resume : .new)
        self.runFolder = folder
        runDirectory = folder.url
        optimizer = Adam(learningRate: options.learningRate)
        nucleusDiameter = data.medianNucleusDiameter
        if resume {
            let last = runDirectory.appendingPathComponent("checkpoints/last.safetensors")
            guard FileManager.default.fileExists(atPath: last.path) else { throw TrainingError.nothingToResume(path: runDirectory.path) }
            let (restored, checkpoint) = try ModelCheckpoint.load(from: last, optimizer: optimizer)
            model = restored
            history = (try? String(contentsOf: runDirectory.appendingPathComponent("history.csv"), encoding: .utf8))
                .map(TrainingHistory.parse) ?? []
            let completed = Int(checkpoint.metadata["epochs_completed"] ?? "") ?? 0
            history = Array(history.prefix(completed))
            bestEpoch = Int(checkpoint.metadata["best_epoch"] ?? "") ?? 0
            bestValidationLoss = Double(checkpoint.metadata["best_val_loss"] ?? "") ?? .infinity
            epochsWithoutImprovement = Int(checkpoint.metadata["epochs_without_improvement"] ?? "") ?? 0
            if FileManager.default.fileExists(atPath: bestCheckpoint.path) {
                bestWeights = try ModelCheckpoint.load(from: bestCheckpoint).model.stateDictionary()
            }
        } else {
            model = UNet(classes: options.head.classCount, seed: options.seed)
            if options.pretrainedEncoder { try PretrainedBackbone.load(into: model.encoder) }
            model.encoder.setTrainable(options.trainEncoder)
        }
        model.decoder.precision = options.precision
        folder.removeOldRun()
        try OutputFolder.prepare(checkpointsDirectory.path)
    }

    /// Trains until the epoch budget is spent, early stopping fires, or `shouldStop` turns true
    /// (checked after every step; the run then saves and returns).
    public func run(shouldStop: () -> Bool = { false }) throws -> TrainingResult {
        let firstEpoch = history.count + 1
        let steps = data.stepsPerEpoch
        let frozenEncoder = TrainingStep.frozenEncoder(of: model)
        events(.started(trainingItems: data.itemsPerEpoch, validationItems: data.validationBatches.reduce(0) { $0 + $1.count },
                        stepsPerEpoch: steps, firstEpoch: firstEpoch, epochs: options.epochs))
        var stoppedEarly = epochsWithoutImprovement >= options.patience && !history.isEmpty
        var epoch = firstEpoch
        while epoch <= options.epochs && !stoppedEarly {
            let start = Date()
            var (batches, generator) = data.batches(epoch: epoch)
            var lossSum = 0.0, weightSum = 0.0, correct = 0, pixels = 0
            for (stepIndex, indices) in batches.enumerated() {
                let batch = data.batch(indices, generator: &generator)
                let input = Tensor(shape: [batch.count, batch.height, batch.width, 3], scalars: batch.images)
                let (loss, batchCorrect) = Variable.softmaxCrossEntropy(logits: TrainingStep.logits(model, frozenEncoder: frozenEncoder, input: input),
                                                                         labels: batch.classes, classWeights: options.effectiveClassWeights)
                let lossValue = Double(loss.value.scalars[0])
                guard lossValue.isFinite else {
                    throw TrainingError.nonFiniteLoss(
                        epoch: epoch, step: stepIndex + 1,
                        lastGoodCheckpoint: FileManager.default.fileExists(atPath: lastCheckpoint.path) ? lastCheckpoint.path : nil)
                }
                loss.backward()
                optimizer.update(model.trainableParameters)
                lossSum += lossValue * Double(batch.count)
                weightSum += Double(batch.count)
                correct += batchCorrect
                pixels += batch.classes.count
                events(.step(epoch: epoch, step: stepIndex + 1, steps: steps, loss: lossSum / weightSum,
                             accuracy: Double(correct) / Double(pixels), elapsed: Date().timeIntervalSince(start)))
                if shouldStop() {
                    let url = checkpointsDirectory.appendingPathComponent("interrupted.safetensors")
                    try ModelCheckpoint.save(model: model, metadata: metadata(epochsCompleted: history.count), to: url)
                    events(.interrupted(epoch: epoch, step: stepIndex + 1, savedTo: url.path))
                    return try finish(interrupted: true)
                }
            }
            let validation = Evaluator.evaluate(model: model, batches: data.validationBatches, classWeights: options.effectiveClassWeights)
            let record = EpochRecord(epoch: epoch, loss: lossSum / max(weightSum, 1), accuracy: Double(correct) / Double(max(pixels, 1)),
                                     validationLoss: validation.loss, validationAccuracy: validation.accuracy,
                                     validationIoU: validation.intersectionOverUnion, seconds: Date().timeIntervalSince(start))
            history.append(record)
            let improved = record.validationLoss < bestValidationLoss
            if improved {
                bestValidationLoss = record.validationLoss
                bestEpoch = epoch
                bestWeights = model.stateDictionary()
                epochsWithoutImprovement = 0
                try ModelCheckpoint.save(model: model, metadata: metadata(epochsCompleted: epoch), to: bestCheckpoint)
            } else {
                epochsWithoutImprovement += 1
            }
            try ModelCheckpoint.save(model: model, optimizer: optimizer, metadata: metadata(epochsCompleted: epoch), to: lastCheckpoint)
            try AtomicFile.write(Data(TrainingHistory.csv(history).utf8), to: historyFile)
            events(.epochEnded(record, improved: improved))
            if epochsWithoutImprovement >= options.patience {
                stoppedEarly = true
                events(.earlyStopped(epoch: epoch, bestEpoch: bestEpoch))
            }
            epoch += 1
        }
        return try finish(interrupted: false)
    }

    /// Restores the best weights (Keras `restore_best_weights`) and writes `model.safetensors`.
    private func finish(interrupted: Bool) throws -> TrainingResult {
        if !interrupted, let bestWeights {
            try model.load(bestWeights, from: bestCheckpoint.path)
            try ModelCheckpoint.save(model: model, metadata: metadata(epochsCompleted: history.count), to: finalModel)
        }
        return TrainingResult(history: history, bestEpoch: bestEpoch, bestValidationLoss: bestValidationLoss,
                              interrupted: interrupted, modelFile: finalModel)
    }

    /// Everything `evaluate`, `predict`, `report` and `--resume` need to know about this run.
    func metadata(epochsCompleted: Int) -> [String: String] {
        var facts: [String: String] = [
            "input_size": String(options.inputSize),
            "sampling": options.sampling.rawValue,
            "normalization": data.normalization.description,
            "normalization_json": Self.json(data.normalization),
            "training_options": options.json,
            "epochs_completed": String(epochsCompleted),
            "best_epoch": String(bestEpoch),
            "best_val_loss": String(bestValidationLoss),
            "epochs_without_improvement": String(epochsWithoutImprovement),
            "training_images": String(data.training.count),
            "validation_images": String(data.validation.count),
            "encoder_weights": options.pretrainedEncoder ? "imagenet" : "random",
            "training_precision": options.precision.rawValue,
            "classes": options.head.classNames.joined(separator: ","),
            "head": options.head.rawValue,
            "class_weights": options.effectiveClassWeights.map { String($0) }.joined(separator: ","),
        ]
        if let diameter = nucleusDiameter { facts["nucleus_diameter_px"] = String(format: "%.2f", diameter) }
        if let record = history.first(where: { $0.epoch == bestEpoch }) {
            facts["best_val_accuracy"] = String(record.validationAccuracy)
            facts["best_val_iou"] = String(record.validationIoU)
        }
        return facts
    }

    static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
