import Foundation
import NucleiNN
import Testing

@Suite struct SafeTensorsTests {
    func temporaryFile(_ name: String) -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nucleiseg-safetensors-\(getpid())")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent(name)
    }

    @Test func roundTripIsBitExact() throws {
        var generator = SeededGenerator(seed: 5)
        let tensors = ["a": Tensor.randomNormal([3, 4], generator: &generator), "b/c": Tensor(shape: [2], scalars: [.pi, -0.0])]
        let url = temporaryFile("round.safetensors")
        try SafeTensorsFile(tensors: tensors, metadata: ["k": "v"]).write(to: url)
        let loaded = try SafeTensorsFile(contentsOf: url)
        #expect(loaded.metadata == ["k": "v"])
        for (key, tensor) in tensors {
            #expect(loaded.tensors[key]?.shape == tensor.shape)
            #expect(loaded.tensors[key]?.scalars.map(\.bitPattern) == tensor.scalars.map(\.bitPattern))
        }
    }

    @Test func headerLayoutFollowsTheFormat() throws {
        let data = SafeTensorsFile(tensors: ["x": Tensor(shape: [1], scalars: [1])]).encoded()
        let length = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(length % 8 == 0)
        let header = String(decoding: data[8..<(8 + length)], as: UTF8.self)
        #expect(header.hasPrefix(#"{"x":{"data_offsets":[0,4],"dtype":"F32","shape":[1]}}"#))
        #expect(data.count == 8 + length + 4)
        #expect(Array(data.suffix(4)) == [0x00, 0x00, 0x80, 0x3F])  // 1.0f little-endian
    }

    @Test func missingFileNamesThePath() {
        let url = temporaryFile("absent.safetensors")
        #expect(throws: CheckpointError.fileNotFound(path: url.path)) { try SafeTensorsFile(contentsOf: url) }
    }

    @Test(arguments: ["empty", "text", "truncated", "hugeHeader", "badOffsets"])
    func corruptFilesAreRejectedWithTheirPath(kind: String) throws {
        let url = temporaryFile("corrupt-\(kind).safetensors")
        let valid = SafeTensorsFile(tensors: ["x": Tensor(shape: [4], repeating: 1)]).encoded()
        let bytes: Data
        switch kind {
        case "empty": bytes = Data()
        case "text": bytes = Data("this is not a checkpoint, just some text".utf8)
        case "truncated": bytes = valid.prefix(valid.count - 3)
        case "hugeHeader": bytes = Data([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0]) + Data(count: 16)
        default:
            var header = Data(#"{"x":{"dtype":"F32","shape":[4],"data_offsets":[0,8]}}"#.utf8)
            while header.count % 8 != 0 { header.append(0x20) }
            var length = UInt64(header.count).littleEndian
            bytes = Data(bytes: &length, count: 8) + header + Data(count: 16)
        }
        try bytes.write(to: url)
        do {
            _ = try SafeTensorsFile(contentsOf: url)
            Issue.record("\(kind) file was accepted")
        } catch let error as CheckpointError {
            #expect(error.description.contains(url.path))
        }
    }

    @Test func moduleLoadingNamesKeyAndBothShapes() throws {
        var generator = SeededGenerator(seed: 1)
        let conv = Conv2D(inputChannels: 2, outputChannels: 3, kernelSize: 3, generator: &generator)
        let good = conv.stateDictionary()
        var wrongShape = good
        wrongShape["kernel"] = Tensor(shape: [1, 1, 2, 3])
        #expect(throws: CheckpointError.shapeMismatch(path: "f", key: "kernel", expected: [3, 3, 2, 3], found: [1, 1, 2, 3])) {
            try conv.load(wrongShape, from: "f")
        }
        var missing = good
        missing["bias"] = nil
        #expect(throws: CheckpointError.missingKey(path: "f", key: "bias", expectedShape: [3])) { try conv.load(missing, from: "f") }
        var extra = good
        extra["surprise"] = Tensor(shape: [2])
        #expect(throws: CheckpointError.unexpectedKey(path: "f", key: "surprise", shape: [2])) { try conv.load(extra, from: "f") }
        // A failed load changes nothing.
        #expect(conv.kernel.value.scalars == good["kernel"]!.scalars)
    }
}

/// Issue 12: messages that say what is wrong, and headers that cannot overflow the reader.
struct SafeTensorsReliabilityTests {
    /// safetensors bytes from a raw JSON header and payload.
    static func file(header: String, payload: [UInt8] = []) -> Data {
        var headerBytes = Array(header.utf8)
        while headerBytes.count % 8 != 0 { headerBytes.append(0x20) }
        var length = UInt64(headerBytes.count).littleEndian
        return withUnsafeBytes(of: &length) { Data($0) } + Data(headerBytes) + Data(payload)
    }

    @Test func truncatedHeaderMessageGivesTwoDifferentNumbers() throws {
        var data = Data(count: 8)
        data[0] = 40  // claims 40 header bytes; only 32 follow
        data += Data(repeating: 0x20, count: 32)
        let error = #expect(throws: CheckpointError.self) { try SafeTensorsFile(data: data, path: "short.safetensors") }
        #expect(error?.description == "short.safetensors: truncated safetensors file: the header claims 40 bytes after the 8-byte length, but the file has only 32 bytes after it")
    }

    @Test(arguments: [
        #"{"a":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,0]}}"#,
        #"{"a":{"dtype":"F32","shape":[2,"x"],"data_offsets":[0,8]}}"#,
        #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[9223372036854775000,9223372036854775008]}}"#,
        #"{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}"#,
    ])
    func hostileShapesAndOffsetsAreErrors(header: String) {
        #expect(throws: CheckpointError.self) { try SafeTensorsFile(data: Self.file(header: header, payload: [0, 0, 0, 0, 0, 0, 0, 0]), path: "x") }
    }

    @Test func emptyTensorReads() throws {
        let file = try SafeTensorsFile(data: Self.file(header: #"{"z":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}"#), path: "x")
        #expect(file.tensors["z"]?.shape == [0])
    }

    @Test func aFolderIsNamedAsAFolder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nucleiseg-st-folder-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let error = #expect(throws: CheckpointError.self) { try SafeTensorsFile(contentsOf: folder) }
        #expect(error == .unreadable(path: folder.path, reason: "it is a folder; expected a .safetensors file"))
    }
}
