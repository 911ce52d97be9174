import ArgumentParser
import Foundation
import NucleiSeg

enum ExportFormat: String, ExpressibleByArgument, CaseIterable {
    case onnx
    case bioimageio
}

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a model as ONNX, or as a bioimage.io model package (ONNX weights, rdf.yaml, test tensors).")

    @Argument(help: "Model checkpoint (default: the shipped nuclei model).") var model: String?
    @Option(help: "onnx (one .onnx file) or bioimageio (a package folder and its .zip).") var format: ExportFormat
    @Option(help: "Output: a .onnx file for onnx, a folder (not existing yet) for bioimageio.") var output: String
    @Option(help: ArgumentHelp("An image whose top-left crop (up to 256x256, multiples of 32) becomes the test input; required for bioimageio. With onnx, OUTPUT_sample_input.npy (normalised NCHW) and OUTPUT_sample_logits.npy (our float32 logits) are written beside the model.", valueName: "IMAGE"))
    var sample: String?
    @Option(help: "SPDX licence identifier written into the bioimage.io package.") var license = "MIT"
    @Option(name: .customLong("random-output-classes"), help: .hidden) var randomOutputClasses: Int?

    func validate() throws {
        if format == .bioimageio && sample == nil {
            throw ValidationError("--format bioimageio needs --sample IMAGE (the package's test input)")
        }
        if format == .onnx && !output.lowercased().hasSuffix(".onnx") {
            throw ValidationError("--output for --format onnx must be a file name ending in .onnx, got '\(output)'")
        }
    }

    func run() throws {
        do {
            guard let url = model.map({ URL(fileURLWithPath: $0) }) ?? ShippedModel.url else {
                throw CheckpointError.fileNotFound(path: "\(ShippedModel.resourceName).safetensors (package resource; pass MODEL)")
            }
            var (network, checkpoint) = try ModelCheckpoint.load(from: url)
            let normalization = try checkpoint.normalization(path: url.path)
            var metadata = checkpoint.storedEntries, name = url.lastPathComponent
            if let classes = randomOutputClasses {
                // Testing only (scripts/test-formats.sh): the exporter checked on the other head's
                // class count without training a model for it.
                network = ModelExport.withRandomOutputLayer(network, classes: classes)
                metadata = [:]
                name += " with a random \(classes)-class output layer"
            }
            let exportSample = try sample.map { path in
                try ModelExport.sample(try ImageFile.read(URL(fileURLWithPath: path)), path: path, model: network, normalization: normalization)
            }
            let outputURL = URL(fileURLWithPath: output)
            let files: [URL]
            switch format {
            case .onnx:
                _ = try OutputFolder.prepare(outputURL.deletingLastPathComponent().path)
                files = try ModelExport.writeONNX(model: network, metadata: metadata, normalization: normalization, to: outputURL,
                                                  sample: exportSample)
            case .bioimageio:
                _ = try OutputFolder.prepare(outputURL.deletingLastPathComponent().path)
                files = try BioImageIOPackage.write(model: network, metadata: metadata, normalization: normalization, sample: exportSample!,
                                                    sampleName: URL(fileURLWithPath: sample!).lastPathComponent, to: outputURL, license: license)
            }
            print("\(name): \(network.classes) classes; wrote \(files.map(\.path).joined(separator: ", "))")
        } catch {
            throw userFailure(error)
        }
    }
}
