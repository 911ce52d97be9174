import Foundation
import NucleiSeg
import Testing

@Suite struct CheckpointMetadataTests {
    @Test func shippedModelReadsTypedAndWritesBackTheSameEntries() throws {
        let url = try #require(ShippedModel.url)
        let stored = try SafeTensorsFile(contentsOf: url).metadata
        let metadata = try CheckpointMetadata(entries: stored, path: url.path)
        // The figures the README quotes for the shipped model.
        #expect(metadata.sampling == .crops)
        #expect(metadata.inputSize == 128)
        #expect(metadata.nucleusDiameter == 21.53)
        #expect(metadata.classes == ["background", "nucleus"])
        #expect(metadata.bestEpoch == 38 && metadata.epochsCompleted == 48)
        #expect(metadata.trainingPrecision == .bfloat16)
        #expect(metadata.normalization != nil)
        // Every entry comes back as the file holds it, so a re-saved checkpoint says the same.
        #expect(metadata.entries == stored)
        #expect(metadata.otherEntries.isEmpty)
    }

    @Test func unknownEntriesAreKeptAndTypedOnesFormatted() throws {
        var metadata = CheckpointMetadata()
        metadata.nucleusDiameter = 21.529
        metadata.bestValidationLoss = .infinity
        metadata.classWeights = [1, 1, 3]
        metadata.otherEntries["note"] = "hand-made"
        #expect(metadata.entries == ["nucleus_diameter_px": "21.53", "best_val_loss": "inf", "class_weights": "1.0,1.0,3.0",
                                     "note": "hand-made"])
        let read = try CheckpointMetadata(entries: metadata.entries, path: "m.safetensors")
        #expect(read.bestValidationLoss == .infinity && read.otherEntries == ["note": "hand-made"])
    }

    @Test func malformedValueNamesFileAndKey() {
        #expect(throws: CheckpointError.invalidMetadata(path: "m.safetensors", key: "best_epoch", value: "x",
                                                        expected: "a whole number >= 0")) {
            try CheckpointMetadata(entries: ["best_epoch": "x"], path: "m.safetensors")
        }
    }

    @Test func resumingNeedsTheLoopState() throws {
        let folder = TestResources.temporaryFolder("resume-without-state")
        try OutputFolder.prepare(folder.appendingPathComponent("checkpoints").path)
        let last = folder.appendingPathComponent("checkpoints/last.safetensors")
        try ModelCheckpoint.save(model: UNet(seed: 1), metadata: ["input_size": "128"], to: last)
        let dataset = try SyntheticDataset.make(name: "resume-without-state-data", size: 64, counts: ["train": 3, "val": 1])
        var options = TrainingOptions(dataPath: dataset.path, outputDirectory: folder.path)
        options.inputSize = 64
        options.pretrainedEncoder = false
        let data = try TrainingData(dataset: try Dataset.open(dataset), options: options)
        #expect(throws: CheckpointError.incompatible(path: last.path, reason: "metadata 'epochs_completed' is missing; resuming a run needs it")) {
            try Trainer(options: options, data: data, resume: true)
        }
    }
}

@Suite struct RunFolderPathsTests {
    @Test func layoutIsSpelledOnce() {
        let paths = RunFolder.Paths(root: URL(fileURLWithPath: "/runs/a"))
        #expect(paths.history.path == "/runs/a/history.csv")
        #expect(paths.lastCheckpoint.path == "/runs/a/checkpoints/last.safetensors")
        #expect(paths.bestCheckpoint.path == "/runs/a/checkpoints/best.safetensors")
        #expect(paths.interruptedCheckpoint.path == "/runs/a/checkpoints/interrupted.safetensors")
        #expect(paths.model.path == "/runs/a/model.safetensors")
        #expect(paths.evaluationSummary.path == "/runs/a/evaluation/summary.json")
        #expect(paths.figures.path == "/runs/a/figures")
        #expect(paths.report.path == "/runs/a/report.html")
    }
}
