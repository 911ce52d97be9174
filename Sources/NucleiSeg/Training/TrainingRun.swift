import Foundation

/// What `nucleiseg train` produced.
public struct TrainingRunResult: Sendable {
    public var training: TrainingResult
    public var reportFile: URL?
    public var evaluation: EvaluationReport?
    /// Human-readable closing lines (where things are, the headline figures).
    public var summaryLines: [String]
}

/// The whole main job: open the dataset, train, then evaluate on the test split and write the
/// figures and `report.html` into the run folder.
public enum TrainingRun {
    /// The run folder is opened (checked, locked, protected: `RunFolder`) before the dataset is read.
    ///
    /// - Parameter shouldStop: polled after every step; when it turns true the run saves
    ///   `checkpoints/interrupted.safetensors` and returns (the CLI ties it to Ctrl-C).
    public static func run(options: TrainingOptions, mode: RunFolder.Mode = .new, writeReport: Bool = true,
                           shouldStop: @escaping () -> Bool = { false },
                           events: @escaping (TrainingEvent) -> Void) throws -> TrainingRunResult {
        if let test = options.testDataPath {
            let resolved = URL(fileURLWithPath: test).standardizedFileURL.resolvingSymlinksInPath().path
            if options.dataPaths.contains(where: { URL(fileURLWithPath: $0).standardizedFileURL.resolvingSymlinksInPath().path == resolved }) {
                throw TrainingError.testDataIsTrainingData(path: test)
            }
        }
        let resume = mode == .resume
        let runFolder = try RunFolder(path: options.outputDirectory, mode: mode)
        for path in runFolder.removedTemporaryFiles { events(.note("removed \(path), left by an interrupted write")) }
        let datasets = try options.dataPaths.map { path in
            let dataset = try Dataset.open(URL(fileURLWithPath: path), layout: options.layout)
            for problem in dataset.problems { events(.note(problem.description)) }
            return dataset
        }
        let testDataset = try options.testDataPath.map { try Dataset.open(URL(fileURLWithPath: $0)) }
        let data = try TrainingData(datasets: datasets, options: options) { done, total in events(.loading(done: done, total: total)) }
        let trainer = try Trainer(options: options, data: data, resume: resume, runFolder: runFolder, events: events)
        if !resume && writeReport {
            try RunFigures.save(RunFigures.samplesMontage(data.training), named: RunFigures.samples, in: trainer.paths)
            try RunFigures.save(beforeTrainingFigure(model: trainer.model, data: data), named: RunFigures.beforeTraining, in: trainer.paths)
        }
        let result = try trainer.run(shouldStop: shouldStop)
        var lines = ["run folder: \(trainer.runDirectory.path)"]
        guard !result.interrupted else {
            return TrainingRunResult(training: result, reportFile: nil, evaluation: nil, summaryLines: lines)
        }
        lines.append("model: \(result.modelFile.path) (best epoch \(result.bestEpoch), val_loss \(String(format: "%.4f", result.bestValidationLoss)))")
        var evaluation: EvaluationReport?
        var reportFile: URL?
        if writeReport {
            // The test images: the folder given for it, else the first dataset's `test` split.
            let (testSamples, testPath) = testDataset.map { dataset in
                (dataset.splits.contains("test") ? dataset.samples(inSplit: "test") : dataset.samples, dataset.root.path)
            }
                ?? (datasets[0].samples(inSplit: "test"), options.dataPath)
            if !testSamples.isEmpty {
                events(.note("evaluating on \(testPath) (\(testSamples.count) images)"))
                let segmenter = Segmenter(model: trainer.model, normalization: data.normalization, mode: options.sampling)
                evaluation = try DatasetEvaluation.evaluate(segmenter: segmenter, samples: testSamples, datasetPath: testPath)
                try evaluation!.write(to: trainer.paths.evaluation)
                try RunFigures.save(RunFigures.testMontage(evaluation!.examples), named: RunFigures.testPredictions, in: trainer.paths)
                lines += evaluation!.summaryLines
            }
            reportFile = try RunReport.write(runDirectory: trainer.runDirectory)
            lines.append("report: \(reportFile!.path)")
        }
        return TrainingRunResult(training: result, reportFile: reportFile, evaluation: evaluation, summaryLines: lines)
    }

    /// The first validation input, its true mask and the untrained model's prediction.
    static func beforeTrainingFigure(model: UNet, data: TrainingData) -> RGBCanvas {
        let batch = data.validationBatches[0]
        let pixels = batch.height * batch.width
        let image = Tensor(shape: [1, batch.height, batch.width, 3], scalars: Array(batch.images[0..<(pixels * 3)]))
        let maps = Segmenter.maps(InferenceUNet(model)(image))
        let channels = model.classes == 3 ? 2 : 1
        let probability = stride(from: 0, to: maps.count, by: channels).map { maps[$0] }
        let raster = DisplayImage.raster(FloatImage(width: batch.width, height: batch.height, channels: 3, samples: image.scalars))
        let truth = LabelImage(width: batch.width, height: batch.height, labels: Array(batch.instanceLabels[0..<pixels]))
        return RunFigures.predictionMontage(title: "Prediction before training", image: raster, truth: truth, prediction: probability)
    }
}
