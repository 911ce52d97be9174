import Foundation
import NucleiSeg
import Testing

@Suite struct ModelCheckpointTests {
    @Test func roundTripIsBitExactIncludingOptimizerState() throws {
        let folder = TestResources.temporaryFolder("checkpoint-roundtrip")
        let model = UNet(seed: 9)
        let adam = Adam()
        // Give a few parameters gradients so the optimizer has moments to save.
        for (_, parameter) in model.decoder.namedParameters().prefix(3) {
            parameter.gradient = Tensor(shape: parameter.shape, repeating: 0.25)
        }
        adam.update(model.trainableParameters)
        let url = folder.appendingPathComponent("model.safetensors")
        try ModelCheckpoint.save(model: model, optimizer: adam, metadata: ["input_size": "128"], to: url)
        let restoredAdam = Adam()
        let (restored, checkpoint) = try ModelCheckpoint.load(from: url, optimizer: restoredAdam)
        #expect(checkpoint.metadata["input_size"] == "128")
        #expect(checkpoint.metadata["architecture"] == ModelCheckpoint.architecture)
        let original = Dictionary(uniqueKeysWithValues: model.namedVariables())
        for (key, variable) in restored.namedVariables() {
            #expect(variable.value.scalars.map(\.bitPattern) == original[key]!.value.scalars.map(\.bitPattern), "\(key)")
        }
        #expect(restoredAdam.step == 1)
        let firstKey = model.decoder.namedParameters().first!.0
        let restoredParameter = restored.namedParameters().first { $0.0 == "decoder." + firstKey }!.1
        let originalParameter = model.namedParameters().first { $0.0 == "decoder." + firstKey }!.1
        #expect(restoredAdam.moments(of: restoredParameter)?.second.scalars == adam.moments(of: originalParameter)?.second.scalars)
        // No temporary file is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["model.safetensors"])
    }

    @Test func backboneFileIsNotAModel() throws {
        let url = try #require(PretrainedBackbone.url)
        do {
            _ = try ModelCheckpoint.load(from: url)
            Issue.record("a backbone file loaded as a model")
        } catch let error as CheckpointError {
            #expect(error.description.contains(url.path) && error.description.contains("not a NucleiSeg model checkpoint"))
        }
    }

    @Test func wrongShapeNamesKeyAndShapes() throws {
        let folder = TestResources.temporaryFolder("checkpoint-shape")
        let url = folder.appendingPathComponent("bad.safetensors")
        var tensors = UNet().stateDictionary()
        tensors["decoder.output.bias"] = Tensor(shape: [3])
        try SafeTensorsFile(tensors: tensors, metadata: ["architecture": ModelCheckpoint.architecture]).write(to: url)
        #expect(throws: CheckpointError.shapeMismatch(path: url.path, key: "decoder.output.bias", expected: [2], found: [3])) {
            try ModelCheckpoint.load(from: url)
        }
    }

    @Test func missingTensorIsNamed() throws {
        let folder = TestResources.temporaryFolder("checkpoint-missing")
        let url = folder.appendingPathComponent("missing.safetensors")
        var tensors = UNet().stateDictionary()
        tensors["decoder.up2.bn.moving_variance"] = nil
        try SafeTensorsFile(tensors: tensors, metadata: ["architecture": ModelCheckpoint.architecture]).write(to: url)
        #expect(throws: CheckpointError.missingKey(path: url.path, key: "decoder.up2.bn.moving_variance", expectedShape: [256])) {
            try ModelCheckpoint.load(from: url)
        }
    }

    @Test func truncatedCheckpointIsReported() throws {
        let folder = TestResources.temporaryFolder("checkpoint-truncated")
        let url = folder.appendingPathComponent("cut.safetensors")
        try ModelCheckpoint.save(model: UNet(), metadata: [:], to: url)
        let data = try Data(contentsOf: url)
        try data.prefix(data.count / 2).write(to: url)
        do {
            _ = try ModelCheckpoint.load(from: url)
            Issue.record("a truncated checkpoint loaded")
        } catch let error as CheckpointError {
            #expect(error.description.contains(url.path) && error.description.contains("truncated"))
        }
    }
}
