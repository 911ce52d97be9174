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
/// Its files are where `RunFolder.Paths` says (history, checkpoints, final model).
public final class Trainer {
    public let options: TrainingOptions
    public let data: TrainingData
    public let model: UNet
    public let optimizer: Adam
    public var runDirectory: URL { paths.root }
    /// Held (with its lock) as long as the trainer lives.
    public let runFolder: RunFolder
    /// Where the run's files are.
    public var paths: RunFolder.Paths { runFolder.paths }
    let events: (TrainingEvent) -> Void

    var history: [EpochRecord] = []
    var bestValidationLoss = Double.infinity
    var bestEpoch = 0
    var bestWeights: [String: Tensor]?
    var epochsWithoutImprovement = 0
    /// Median nucleus diameter of the training images (recorded for `--diameter`).
    let nucleusDiameter: Double?

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
        optimizer = Adam(learningRate: options.learningRate)
        nucleusDiameter = data.medianNucleusDiameter
        if resume {
            let last = folder.paths.lastCheckpoint
            guard FileManager.default.fileExists(atPath: last.path) else { throw TrainingError.nothingToResume(path: folder.url.path) }
            let (restored, checkpoint) = try ModelCheckpoint.load(from: last, optimizer: optimizer)
            model = restored
            history = (try? String(contentsOf: folder.paths.history, encoding: .utf8)).map(TrainingHistory.parse) ?? []
            // The loop state: written with every last checkpoint, so a missing entry is a damaged
            // or foreign file, not something to guess.
            let state = checkpoint.metadata
            let purpose = "resuming a run"
            let completed = try CheckpointMetadata.required(state.epochsCompleted, "epochs_completed", path: last.path, for: purpose)
            history = Array(history.prefix(completed))
            bestEpoch = try CheckpointMetadata.required(state.bestEpoch, "best_epoch", path: last.path, for: purpose)
            bestValidationLoss = try CheckpointMetadata.required(state.bestValidationLoss, "best_val_loss", path: last.path, for: purpose)
            epochsWithoutImprovement = try CheckpointMetadata.required(state.epochsWithoutImprovement, "epochs_without_improvement",
                                                                       path: last.path, for: purpose)
            if FileManager.default.fileExists(atPath: folder.paths.bestCheckpoint.path) {
                bestWeights = try ModelCheckpoint.load(from: folder.paths.bestCheckpoint).model.stateDictionary()
            }
        } else {
            model = UNet(classes: options.head.classCount, seed: options.seed)
            if options.pretrainedEncoder { try PretrainedBackbone.load(into: model.encoder) }
            model.encoder.setTrainable(options.trainEncoder)
        }
        model.decoder.precision = options.precision
        folder.removeOldRun()
        try OutputFolder.prepare(folder.paths.checkpoints.path)
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
                        lastGoodCheckpoint: FileManager.default.fileExists(atPath: paths.lastCheckpoint.path) ? paths.lastCheckpoint.path : nil)
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
                    let url = paths.interruptedCheckpoint
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
                try ModelCheckpoint.save(model: model, metadata: metadata(epochsCompleted: epoch), to: paths.bestCheckpoint)
            } else {
                epochsWithoutImprovement += 1
            }
            // History first: a kill between the two writes leaves the history one row ahead, which
            // resuming drops (it keeps `epochs_completed` rows); a last checkpoint ahead of the
            // history would make the resumed run train that epoch a second time.
            try AtomicFile.write(Data(TrainingHistory.csv(history).utf8), to: paths.history)
            try ModelCheckpoint.save(model: model, optimizer: optimizer, metadata: metadata(epochsCompleted: epoch), to: paths.lastCheckpoint)
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
            try model.load(bestWeights, from: paths.bestCheckpoint.path)
            try ModelCheckpoint.save(model: model, metadata: metadata(epochsCompleted: history.count), to: paths.model)
        }
        return TrainingResult(history: history, bestEpoch: bestEpoch, bestValidationLoss: bestValidationLoss,
                              interrupted: interrupted, modelFile: paths.model)
    }

    /// Everything `evaluate`, `predict`, `report` and resuming need to know about this run.
    func metadata(epochsCompleted: Int) -> CheckpointMetadata {
        var facts = CheckpointMetadata()
        facts.inputSize = options.inputSize
        facts.sampling = options.sampling
        facts.normalization = data.normalization
        facts.normalizationDescription = data.normalization.description
        facts.trainingOptionsJSON = options.json
        facts.epochsCompleted = epochsCompleted
        facts.bestEpoch = bestEpoch
        facts.bestValidationLoss = bestValidationLoss
        facts.epochsWithoutImprovement = epochsWithoutImprovement
        facts.trainingImages = data.training.count
        facts.validationImages = data.validation.count
        facts.encoderWeights = options.pretrainedEncoder ? "imagenet" : "random"
        facts.trainingPrecision = options.precision
        facts.classes = options.head.classNames
        facts.head = options.head
        facts.classWeights = options.effectiveClassWeights
        facts.nucleusDiameter = nucleusDiameter
        if let record = history.first(where: { $0.epoch == bestEpoch }) {
            facts.bestValidationAccuracy = record.validationAccuracy
            facts.bestValidationIoU = record.validationIoU
        }
        return facts
    }
}
