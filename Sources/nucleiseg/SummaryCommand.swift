import ArgumentParser
import NucleiSeg

struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary", abstract: "Print the model's layers and parameter counts, Keras style.")

    @Option(help: "A checkpoint to describe instead of the default model.")
    var model: String?

    @Flag(help: "Count the encoder as trainable (fine-tuning).")
    var unfreezeEncoder = false

    @Flag(help: "List every encoder layer by its Keras name.")
    var detailed = false

    @Option(help: "Output head of the default model: seed (2 classes, the published graph) or contour (3 classes).")
    var head: SegmentationHead = .seed

    @Option(help: "Input size in pixels (a multiple of 32).")
    var inputSize = 128

    func validate() throws {
        guard inputSize >= 32, inputSize % 32 == 0 else { throw ValidationError("--input-size must be a positive multiple of 32") }
    }

    func run() throws {
        let network = try model.map { try loadModel(path: $0) } ?? UNet(classes: head.classCount)
        if unfreezeEncoder { network.encoder.setTrainable(true) }
        print(ModelSummary(model: network, inputSize: inputSize, detailed: detailed).render(), terminator: "")
    }
}
