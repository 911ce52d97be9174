import Foundation
import NucleiImaging
import Testing

struct ImageManifestTests {
    func write(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("manifest-\(UUID().uuidString).tsv")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test func readsAColumnAndLooksUpByKeyThenName() throws {
        let url = try write("id\tkind\twidth\nabc\tcolour\t10\ntrain/x\tfluorescence\t5\n\n")
        defer { try? FileManager.default.removeItem(at: url) }
        let manifest = try ImageManifest(contentsOf: url, column: "kind")
        #expect(manifest.values == ["abc": "colour", "train/x": "fluorescence"])
        let byName = DatasetSample(split: nil, name: "abc", imageFile: url, maskFiles: [], maskKind: .binary)
        let byKey = DatasetSample(split: "train", name: "x", imageFile: url, maskFiles: [], maskKind: .binary)
        let missing = DatasetSample(split: "test", name: "y", imageFile: url, maskFiles: [], maskKind: .binary)
        #expect(manifest.value(for: byName) == "colour")
        #expect(manifest.value(for: byKey) == "fluorescence")
        #expect(manifest.value(for: missing) == nil)
        #expect(try ImageManifest(contentsOf: url, column: "width").values["abc"] == "10")
    }

    @Test func errorsNameTheFileAndWhatWasExpected() throws {
        let url = try write("id\tkind\nabc\n")
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(throws: ManifestError.malformed(path: url.path, line: 2, expected: "2 tab-separated fields, found 1")) {
            try ImageManifest(contentsOf: url, column: "kind")
        }
        #expect(throws: ManifestError.noSuchColumn(path: url.path, column: "stain", found: ["kind"])) {
            try ImageManifest(contentsOf: url, column: "stain")
        }
        let missing = URL(fileURLWithPath: "/nonexistent/manifest.tsv")
        let error = #expect(throws: ManifestError.self) { try ImageManifest(contentsOf: missing, column: "kind") }
        #expect(error?.description.hasPrefix("/nonexistent/manifest.tsv") == true)
    }
}
