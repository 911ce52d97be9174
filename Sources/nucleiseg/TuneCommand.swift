import ArgumentParser
import Foundation
import NucleiSeg

struct TuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune",
        abstract: "Choose a model's post-processing (thresholds, splitting) on its validation images and record it in the model.",
        discussion: """
            Runs the network once per validation image, then scores every candidate setting (the foreground \
            threshold with the marker dynamic of two-class models or the interior threshold of contour models) by \
            the mean DSB2018 score. With --write, a copy of the model records the best setting; predict, evaluate \
            and serve then use it unless told otherwise. Never tune on a test folder.
            """)

    @Option(help: "Labelled dataset folder; repeat for several (as given to train).") var data: [String] = []
    @Option(help: "Force the dataset layout instead of detecting it.") var layout: DatasetLayout?
    @Option(help: "Images to tune on: validation (the images train validated on with --seed; default) or another split folder's name, never test.")
    var split = DatasetSplit.validationSplitName
    @Option(help: "The training seed that --split validation follows.") var seed: UInt64 = 42
    @Option(help: "Model checkpoint (default: the shipped nuclei model).") var model: String?
    @Option(name: .customLong("tile-size"), help: "Tile side for tiled prediction.") var tileSize = 256
    @Option(help: "Decoder arithmetic: bfloat16 (default where the CPU has it) or float32.")
    var precision: ComputePrecision = InferenceUNet.defaultPrecision
    @Option(help: "Write a copy of the model that records the best setting to this .safetensors file (it may be the model itself).")
    var write: String?
    @Option(help: "Rows of the ranking to print.") var top = 10

    func validate() throws {
        guard !data.isEmpty else { throw ValidationError("give at least one --data FOLDER (for example --data data/dsb2018/train)") }
        guard split.lowercased() != "test" else {
            throw ValidationError("--split test: tuning on test images would make their figures say nothing about unseen images; tune on validation")
        }
        guard top >= 1 else { throw ValidationError("--top must be at least 1") }
        if let write, !write.hasSuffix(".safetensors") { throw ValidationError("--write: '\(write)' should end in .safetensors") }
    }

    func run() throws {
        do {
            var samples: [DatasetSample] = []
            for path in data {
                let dataset = try Dataset.open(URL(fileURLWithPath: path), layout: layout)
                if let problem = dataset.problems.first(where: \.stopsTraining) { throw problem.error }
                let chosen = DatasetSplit.evaluationSamples(of: dataset, split: split, seed: seed)
                guard !chosen.isEmpty else { throw EvaluationError.emptySplit(path: path, split: split) }
                samples += chosen
            }
            if let write { try OutputFolder.prepare(URL(fileURLWithPath: write).deletingLastPathComponent().path) }
            let segmenter = try ShippedModel.segmenter(path: model, tileSize: tileSize, precision: precision)
            let candidates = PostProcessingTuning.candidates(for: segmenter.head, base: segmenter.postProcessing)
            print("tuning \(candidates.count) settings of the \(segmenter.head.rawValue) head on \(samples.count) images (split \(split))")
            let ranked = try PostProcessingTuning.tune(segmenter: segmenter, samples: samples, candidates: candidates) { done, total in
                FileHandle.standardError.write(Data("\r\(ProgressFormatter.bar(done: done, total: total, width: 20)) \(done)/\(total)".utf8))
            }
            FileHandle.standardError.write(Data("\n".utf8))
            let base = segmenter.postProcessing
            let contour = segmenter.head == .contour
            print("rank  threshold  " + (contour ? "interior" : "dynamic  relative") + "  DSB2018  AP@0.5  F1@0.5")
            for (rank, candidate) in ranked.enumerated() where rank < top || candidate.options == base {
                let o = candidate.options, s = candidate.summary
                let settings = contour
                    ? String(format: "%9.2f  %8.2f", o.threshold, o.interiorThreshold)
                    : String(format: "%9.2f  %7.2f  %8.2f", o.threshold, o.minimumMarkerDynamic, o.relativeMarkerDynamic)
                print(String(format: "%4d  ", rank + 1) + settings + String(format: "  %7.4f  %6.4f  %6.4f", s.meanDSB2018Score, s.meanAveragePrecisionAt50, s.meanF1At50)
                      + (o == base ? "  (the model's current setting)" : ""))
            }
            let best = ranked[0]
            if let write {
                guard let source = model.map({ URL(fileURLWithPath: $0) }) ?? ShippedModel.url else {
                    throw CheckpointError.fileNotFound(path: ShippedModel.missingResourcePath)
                }
                try ModelCheckpoint.recordPostProcessing(best.options, source: source, destination: URL(fileURLWithPath: write))
                print("wrote \(write): the model with threshold \(best.options.threshold), "
                      + (contour ? "interior threshold \(best.options.interiorThreshold)"
                                 : "marker dynamic \(best.options.minimumMarkerDynamic) px and \(best.options.relativeMarkerDynamic) of the radius"))
            }
        } catch {
            throw userFailure(error)
        }
    }
}
