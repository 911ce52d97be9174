import Foundation
import _FileSystemMessages

/// `RUN/report.html`: one self-contained page with the run's facts, curves, figures and metrics.
/// Built only from files in the run folder, so `nucleiseg report RUN` can rebuild it at any time.
public enum RunReport {
    /// The figures, in the order the published notebook shows them.
    static let figureCaptions: [(String, String)] = [
        (RunFigures.samples, "Sample training images and their masks, as the network receives them."),
        (RunFigures.beforeTraining, "A prediction before training (random decoder)."),
        (RunFigures.loss, "Loss per epoch."),
        (RunFigures.accuracy, "Pixel accuracy and foreground IoU per epoch."),
        (RunFigures.testPredictions, "Test images: ground-truth outlines (green) and predicted nuclei (magenta)."),
    ]

    /// Writes the curves from `history.csv` and the page; returns the page's location.
    /// - Throws: `ReportError` when `runDirectory` holds no run.
    @discardableResult
    public static func write(runDirectory: URL) throws -> URL {
        let paths = RunFolder.Paths(root: runDirectory)
        guard let historyText = try? String(contentsOf: paths.history, encoding: .utf8) else {
            throw ReportError.notARun(path: runDirectory.path)
        }
        let history = TrainingHistory.parse(historyText)
        if !history.isEmpty {
            let (loss, accuracy) = RunFigures.curves(history)
            try RunFigures.save(loss, named: RunFigures.loss, in: paths)
            try RunFigures.save(accuracy, named: RunFigures.accuracy, in: paths)
        }
        var page = HTMLReport(title: "NucleiSeg training report", subtitle: runDirectory.path,
                              footer: "Written by nucleiseg; U-Net (Ronneberger et al., 2015) on a MobileNetV2 encoder (Sandler et al., 2018).")
        // Shown as written (the report prints what the file says; loading checks it).
        let metadata = (try? SafeTensorsFile(contentsOf: paths.model).metadata)
            ?? (try? SafeTensorsFile(contentsOf: paths.lastCheckpoint).metadata) ?? [:]
        var facts: [(String, String)] = [("Model", ModelCheckpoint.architecture)]
        for key in ["sampling", "input_size", "training_precision", "encoder_weights", "encoder_trainable", "training_images",
                    "validation_images", "epochs_completed", "best_epoch", "best_val_loss", "best_val_accuracy", "best_val_iou",
                    "normalization"] {
            guard let value = metadata[key] else { continue }
            let shown = key.hasPrefix("best_val") ? Double(value).map { String(format: "%.4f", $0) } ?? value : value
            facts.append((key.replacingOccurrences(of: "_", with: " "), shown))
        }
        page.addFacts(facts, heading: "Run")
        if let json = metadata["training_options"]?.data(using: .utf8),
           let options = (try? JSONSerialization.jsonObject(with: json)) as? [String: Any] {
            page.addFacts(options.keys.sorted().map { ($0, "\(options[$0]!)") }, heading: "Training options")
        }
        if let data = try? Data(contentsOf: paths.evaluationSummary), let summary = try? JSONDecoder().decode(EvaluationSummary.self, from: data) {
            func f(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "" }
            page.addTable(
                header: ["metric", "value"],
                rows: [["images", String(summary.imageCount)], ["loss (native resolution)", f(summary.loss)],
                       ["pixel accuracy (native resolution)", f(summary.accuracy)],
                       ["loss (input size, Keras-style)", f(summary.inputSizeLoss)],
                       ["pixel accuracy (input size, Keras-style)", f(summary.inputSizeAccuracy)],
                       ["foreground IoU (dataset)", f(summary.datasetForegroundIoU)],
                       ["foreground IoU (mean per image)", f(summary.meanPerImageForegroundIoU)],
                       ["Dice (dataset)", f(summary.datasetForegroundDice)], ["Dice (mean per image)", f(summary.meanPerImageForegroundDice)],
                       ["DSB2018 score", f(summary.meanDSB2018Score)], ["AP@0.5", f(summary.meanAveragePrecisionAt50)],
                       ["F1@0.5", f(summary.meanF1At50)],
                       ["published Keras (resize, DSB2018 test): loss / accuracy", "0.0891 / 0.9638"]],
                heading: "Test split", caption: "Per-image figures: evaluation/per_image.csv")
        }
        if let data = try? Data(contentsOf: paths.evaluationGroups), let groups = try? JSONDecoder().decode([String: EvaluationSummary].self, from: data) {
            func f(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "" }
            page.addTable(
                header: ["group", "images", "pixel accuracy", "IoU (dataset)", "DSB2018 score", "AP@0.5", "F1@0.5"],
                rows: groups.keys.sorted().map { name in
                    let s = groups[name]!
                    return [name, String(s.imageCount), f(s.accuracy), f(s.datasetForegroundIoU), f(s.meanDSB2018Score),
                            f(s.meanAveragePrecisionAt50), f(s.meanF1At50)]
                },
                heading: "Test split by group", caption: "From evaluation/groups.json (nucleiseg evaluate --by MANIFEST)")
        }
        if !history.isEmpty {
            page.addTable(header: ["epoch", "loss", "accuracy", "val_loss", "val_accuracy", "val_iou", "seconds"],
                          rows: history.map { r in
                              [String(r.epoch)] + [r.loss, r.accuracy, r.validationLoss, r.validationAccuracy, r.validationIoU].map { String(format: "%.4f", $0) }
                                  + [String(format: "%.1f", r.seconds)]
                          }, heading: "History")
        }
        page.addSection("Figures")
        for (name, caption) in figureCaptions {
            let url = paths.figures.appendingPathComponent(name)
            if let data = try? Data(contentsOf: url) { page.addFigure(png: [UInt8](data), caption: caption) }
        }
        let output = paths.report
        try AtomicFile.write(Data(page.render().utf8), to: output)
        return output
    }
}

/// Problems with a run folder given to `nucleiseg report`.
public enum ReportError: Error, LocalizedError, CustomStringConvertible {
    case notARun(path: String)
    public var description: String {
        switch self {
        case let .notARun(path): return "\(path): not a training run folder (expected history.csv written by nucleiseg train)"
        }
    }
    public var errorDescription: String? { description }
}
