import Foundation
import NucleiSeg
import Testing

/// End-to-end checks of the training loop on tiny images (64x64 inputs, a few steps): real but small.
@Suite(.serialized) struct TrainerTests {
    func options(data: URL, output: String, epochs: Int) -> TrainingOptions {
        var options = TrainingOptions(dataPath: data.path, outputDirectory: output)
        options.inputSize = 64
        options.batchSize = 3
        options.epochs = epochs
        options.patience = 20
        return options
    }

    func train(_ options: TrainingOptions, resume: Bool = false, stopAt: (epoch: Int, step: Int)? = nil) throws -> TrainingResult {
        let dataset = try Dataset.open(URL(fileURLWithPath: options.dataPath))
        let data = try TrainingData(dataset: dataset, options: options)
        var current = (epoch: 0, step: 0)
        let trainer = try Trainer(options: options, data: data, resume: resume) { event in
            if case let .step(epoch, step, _, _, _, _) = event { current = (epoch, step) }
        }
        return try trainer.run { stopAt.map { $0.epoch == current.epoch && $0.step == current.step } ?? false }
    }

    @Test func lossFallsAndRunFolderIsComplete() throws {
        let data = try SyntheticDataset.make(name: "trainer-basic")
        let output = TestResources.temporaryFolder("run-basic").path
        let result = try train(options(data: data, output: output, epochs: 4))
        #expect(result.history.count == 4)
        #expect(result.history.last!.loss < result.history.first!.loss)
        for file in ["history.csv", "model.safetensors", "checkpoints/last.safetensors", "checkpoints/best.safetensors"] {
            #expect(FileManager.default.fileExists(atPath: output + "/" + file), "\(file) missing")
        }
        let csv = try String(contentsOfFile: output + "/history.csv", encoding: .utf8)
        #expect(csv.hasPrefix(TrainingHistory.header + "\n"))
        #expect(TrainingHistory.parse(csv) == result.history.map { record in
            TrainingHistory.parse(TrainingHistory.csv([record]))[0]
        })
        // The final model is the best epoch's (restore_best_weights), and it loads.
        let (_, checkpoint) = try ModelCheckpoint.load(from: URL(fileURLWithPath: output + "/model.safetensors"))
        #expect(checkpoint.metadata["best_epoch"] == String(result.bestEpoch))
        #expect(checkpoint.metadata["sampling"] == "resize")
        // Its weights are those written when the best epoch ended, not the last epoch's.
        let final = try SafeTensorsFile(contentsOf: URL(fileURLWithPath: output + "/model.safetensors")).tensors
        let best = try SafeTensorsFile(contentsOf: URL(fileURLWithPath: output + "/checkpoints/best.safetensors")).tensors
        #expect(final.keys.sorted() == best.keys.sorted())
        #expect(final.allSatisfy { key, tensor in best[key]?.scalars == tensor.scalars })
        if result.bestEpoch < result.history.count {
            let last = try SafeTensorsFile(contentsOf: URL(fileURLWithPath: output + "/checkpoints/last.safetensors")).tensors
            #expect(final.contains { key, tensor in key.hasPrefix("decoder.") && last[key]?.scalars != tensor.scalars })
        }
    }

    @Test func interruptedAndResumedRunMatchesUninterruptedRun() throws {
        let data = try SyntheticDataset.make(name: "trainer-resume")
        let straight = try train(options(data: data, output: TestResources.temporaryFolder("run-straight").path, epochs: 3))
        let output = TestResources.temporaryFolder("run-interrupted").path
        let first = try train(options(data: data, output: output, epochs: 3), stopAt: (2, 1))
        #expect(first.interrupted)
        #expect(first.history.count == 1)
        #expect(FileManager.default.fileExists(atPath: output + "/checkpoints/interrupted.safetensors"))
        let resumed = try train(options(data: data, output: output, epochs: 3), resume: true)
        #expect(resumed.history.count == 3)
        for (a, b) in zip(straight.history, resumed.history) {
            #expect(abs(a.loss - b.loss) <= 1e-6 * max(1, abs(a.loss)), "epoch \(a.epoch): loss \(a.loss) vs \(b.loss)")
            #expect(abs(a.validationLoss - b.validationLoss) <= 1e-6 * max(1, abs(a.validationLoss)))
        }
    }

    @Test func sameSeedGivesSameHistory() throws {
        let data = try SyntheticDataset.make(name: "trainer-seed")
        let a = try train(options(data: data, output: TestResources.temporaryFolder("run-seed-a").path, epochs: 2))
        let b = try train(options(data: data, output: TestResources.temporaryFolder("run-seed-b").path, epochs: 2))
        #expect(a.history.map(\.loss) == b.history.map(\.loss))
    }

    @Test func nonFiniteLossStopsWithTheLastGoodCheckpoint() throws {
        let data = try SyntheticDataset.make(name: "trainer-nan")
        let output = TestResources.temporaryFolder("run-nan").path
        var settings = options(data: data, output: output, epochs: 30)
        settings.learningRate = 1e30
        do {
            _ = try train(settings)
            Issue.record("a learning rate of 1e30 trained without a non-finite loss")
        } catch let error as TrainingError {
            guard case let .nonFiniteLoss(_, _, checkpoint) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            if let checkpoint { #expect(FileManager.default.fileExists(atPath: checkpoint)) }
            #expect(error.description.contains("NaN/Inf"))
        }
    }

    @Test func cropsModeTrainsOnNativeResolution() throws {
        let data = try SyntheticDataset.make(name: "trainer-crops", size: 100)
        var settings = options(data: data, output: TestResources.temporaryFolder("run-crops").path, epochs: 1)
        settings.sampling = .crops
        settings.cropsPerImage = 2
        let dataset = try Dataset.open(data)
        let prepared = try TrainingData(dataset: dataset, options: settings)
        #expect(prepared.itemsPerEpoch == 12)
        // 100x100 validation images in 64x64 tiles: a 2x2 grid each.
        #expect(prepared.validationBatches.reduce(0) { $0 + $1.count } == 8)
        let result = try train(settings)
        #expect(result.history.count == 1 && result.history[0].loss.isFinite)
    }

    @Test func missingResumeCheckpointIsAClearError() throws {
        let data = try SyntheticDataset.make(name: "trainer-noresume")
        let output = TestResources.temporaryFolder("run-noresume").path
        #expect(throws: TrainingError.nothingToResume(path: output)) {
            _ = try train(options(data: data, output: output, epochs: 1), resume: true)
        }
    }
}

/// Several datasets trained together, with the full augmentation.
struct TrainingDataTests {
    @Test func datasetsAreSplitEachByItsOwnRuleAndConcatenated() throws {
        let first = try SyntheticDataset.make(name: "multi-a", size: 64, counts: ["train": 5, "val": 2, "test": 2])
        let second = try SyntheticDataset.make(name: "multi-b", size: 64, counts: ["train": 10], seed: 2)
        var options = TrainingOptions(dataPaths: [first.path, second.path], outputDirectory: "/unused")
        options.inputSize = 32
        options.batchSize = 4
        options.sampling = .crops
        options.cropsPerImage = 1
        options.augmentation = .full
        let datasets = try [first, second].map { try Dataset.open($0) }
        let data = try TrainingData(datasets: datasets, options: options)
        // First: its own val split (5 + 2); second: the seeded 80:20 split of 10 (8 + 2). Test never.
        #expect(data.training.count == 13 && data.validation.count == 4)
        #expect(!data.training.contains { $0.key.hasPrefix("test/") } && !data.validation.contains { $0.key.hasPrefix("test/") })
        var generator = data.batches(epoch: 1).generator
        let batch = data.batch([0, 1, 2, 12], generator: &generator)
        #expect(batch.count == 4 && batch.width == 32 && batch.height == 32)
        #expect(batch.images.allSatisfy { $0 >= -1 && $0 <= 1 })
        var again = data.batches(epoch: 1).generator
        #expect(data.batch([0, 1, 2, 12], generator: &again).images == batch.images)
    }
}
