import Foundation
import NucleiSeg
import Testing

/// Issue 12, case 6: a checkpoint with non-finite weights or mistyped metadata is refused on
/// load, naming the file and the key.
@Suite struct CheckpointValidationTests {
    func save(_ model: UNet = UNet(seed: 3), metadata: [String: String], name: String) throws -> URL {
        let url = TestResources.temporaryFolder("validation-\(name)").appendingPathComponent("model.safetensors")
        try ModelCheckpoint.save(model: model, metadata: metadata, to: url)
        return url
    }

    @Test func nonFiniteWeightIsNamed() throws {
        let model = UNet(seed: 3)
        let (key, parameter) = try #require(model.namedParameters().first { $0.0.hasPrefix("decoder.") })
        var values = parameter.value.scalars
        values[5] = .nan
        parameter.value = Tensor(shape: parameter.shape, scalars: values)
        let url = try save(model, metadata: ["input_size": "128"], name: "nan")
        #expect(throws: CheckpointError.nonFiniteValue(path: url.path, key: key, index: 5, value: "NaN")) { try ModelCheckpoint.load(from: url) }
    }

    @Test(arguments: [("input_size", "banana"), ("input_size", "100"), ("sampling", "zoom"), ("epochs_completed", "-1"),
                      ("best_val_loss", "NaN"), ("classes", "nucleus"), ("training_precision", "fp8"), ("normalization_json", "{")])
    func mistypedMetadataIsNamed(key: String, value: String) throws {
        let url = try save(metadata: [key: value], name: "meta-\(key)-\(value)")
        let error = #expect(throws: CheckpointError.self) { try ModelCheckpoint.load(from: url) }
        guard case let .invalidMetadata(path, badKey, badValue, _)? = error else {
            Issue.record("expected invalidMetadata, got \(String(describing: error))")
            return
        }
        #expect(path == url.path && badKey == key && badValue == value)
        #expect(error?.description.contains("expected") == true)
    }

    @Test func validCheckpointStillLoads() throws {
        let url = try save(metadata: ["input_size": "128", "sampling": "crops", "best_val_loss": "inf", "epochs_completed": "3"], name: "ok")
        #expect(throws: Never.self) { try ModelCheckpoint.load(from: url) }
        #expect(throws: Never.self) { try ShippedModel.segmenter(path: nil) }
    }
}
