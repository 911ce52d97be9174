import Foundation
import _FileSystemMessages

/// The figures of a run, as the published notebook shows them, saved as PNG in `RUN/figures/`.
public enum RunFigures {
    public static let samples = "samples.png"
    public static let beforeTraining = "prediction_before_training.png"
    public static let loss = "loss.png"
    public static let accuracy = "accuracy.png"
    public static let testPredictions = "test_predictions.png"

    /// Training images next to their masks (as the network receives them).
    public static func samplesMontage(_ samples: [PreparedSample], count: Int = 3) -> RGBCanvas {
        let rows = samples.prefix(count).map { sample -> [Montage.Panel] in
            return [.image(DisplayImage.raster(sample.image)), .labels(sample.labels)]
        }
        return Montage(title: "Sample images and masks", columnTitles: ["Input image", "True mask (instances)"],
                       rowLabels: samples.prefix(count).map(\.key), rows: Array(rows), panelSize: 256).render()
    }

    /// Image, true mask and predicted mask of one sample (the notebook's `show_predictions`).
    public static func predictionMontage(title: String, image: RasterImage, truth: LabelImage, prediction: [Float]) -> RGBCanvas {
        let predictedMask = prediction.map { $0 > 0.5 ? UInt8(1) : 0 }
        return Montage(title: title, columnTitles: ["Input image", "True mask", "Predicted mask"], rowLabels: [],
                       rows: [[.image(image), .mask(truth.labels, width: truth.width, height: truth.height),
                               .mask(predictedMask, width: truth.width, height: truth.height)]],
                       panelSize: 256).render()
    }

    /// Test images with the true and the predicted nuclei outlined.
    public static func testMontage(_ examples: [EvaluationExample]) -> RGBCanvas {
        let rows = examples.map { example -> [Montage.Panel] in
            [.image(example.display.stretchedForDisplay()),
             .outlines(example.display.stretchedForDisplay(), labels: example.truth, color: RGBColor(hex: 0x00FF66)),
             .outlines(example.display.stretchedForDisplay(), labels: example.prediction, color: RGBColor(hex: 0xFF00CC))]
        }
        return Montage(title: "Test predictions", columnTitles: ["Image", "Ground truth", "Prediction"],
                       rowLabels: examples.map { shortName($0.name) }, rows: rows, panelSize: 256).render()
    }

    /// Loss and accuracy curves over epochs (train and validation).
    public static func curves(_ history: [EpochRecord]) -> (loss: RGBCanvas, accuracy: RGBCanvas) {
        let x = history.map { Double($0.epoch) }
        let loss = LineChart(title: "Training and validation loss",
                             series: [.init(name: "loss", x: x, y: history.map(\.loss)),
                                      .init(name: "val_loss", x: x, y: history.map(\.validationLoss))], yLabel: "loss").render()
        let accuracy = LineChart(title: "Training and validation accuracy",
                                 series: [.init(name: "accuracy", x: x, y: history.map(\.accuracy)),
                                          .init(name: "val_accuracy", x: x, y: history.map(\.validationAccuracy)),
                                          .init(name: "val_iou", x: x, y: history.map(\.validationIoU))], yLabel: "").render()
        return (loss, accuracy)
    }

    static func shortName(_ name: String) -> String { name.count <= 28 ? name : String(name.prefix(12)) + "..." + String(name.suffix(13)) }

    /// Saves a canvas as PNG in the run's figure folder.
    public static func save(_ canvas: RGBCanvas, named name: String, in run: RunFolder.Paths) throws {
        let folder = run.figures
        try OutputFolder.prepare(folder.path)
        try AtomicFile.write(Data(try DisplayImage.png(canvas)), to: folder.appendingPathComponent(name))
    }
}
