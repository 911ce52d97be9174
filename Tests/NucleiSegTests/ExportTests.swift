import Foundation
import NucleiSeg
import Testing

@Suite struct ExportEncodingTests {
    @Test func sha256KnownDigests() {
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        // 56 bytes: the padding needs a second block.
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func protobufWireFormat() {
        var message = ProtobufMessage()
        message.int(1, 150)  // the protobuf documentation's example: 08 96 01
        message.string(2, "testing")
        message.int(3, -1)
        message.float(4, 1)
        var outer = ProtobufMessage()
        outer.message(7, message)
        let inner: [UInt8] = [0x08, 0x96, 0x01, 0x12, 0x07] + Array("testing".utf8)
            + [0x18, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01] + [0x25, 0x00, 0x00, 0x80, 0x3F]
        #expect(message.bytes == inner)
        #expect(outer.bytes == [0x3A, UInt8(inner.count)] + inner)
    }

    @Test func npyHeaderAndData() {
        let bytes = NumpyArray.float32([1, -2, 0.5, 0, 0, 3], shape: [2, 3])
        #expect(Array(bytes[0..<8]) == [0x93] + Array("NUMPY".utf8) + [1, 0])
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        #expect((10 + headerLength) % 64 == 0)
        let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
        #expect(header.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }") && header.hasSuffix(" \n"))
        #expect(Array(bytes[(10 + headerLength)...].prefix(8)) == [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0])  // 1, -2
        #expect(bytes.count == 10 + headerLength + 24)
        let vector = NumpyArray.float32([1], shape: [1])
        #expect(String(decoding: vector, as: UTF8.self).contains("'shape': (1,)"))
    }

    @Test func kerasKernelToONNXLayout() {
        // K[0, 0, b, a] = 3b + a with b in 0..<2, a in 0..<3; ONNX W[a, b, 0, 0] = K[0, 0, b, a].
        let kernel = Tensor(shape: [1, 1, 2, 3], scalars: [0, 1, 2, 3, 4, 5])
        let onnx = ONNXExport.onnxKernel(kernel)
        #expect(onnx.shape == [3, 2, 1, 1])
        #expect(onnx.scalars == [0, 3, 1, 4, 2, 5])
        // A 2x2 spatial kernel keeps its rows and columns (no flip): W[0, 0, y, x] = K[y, x, 0, 0].
        let spatial = Tensor(shape: [2, 2, 1, 1], scalars: [1, 2, 3, 4])
        #expect(ONNXExport.onnxKernel(spatial).scalars == [1, 2, 3, 4])
    }

    @Test func onnxModelIsDeterministicAndCarriesItsClassCount() {
        let model = UNet(classes: 3, seed: 5)
        let first = ONNXExport.model(model, normalization: .standard)
        let second = ONNXExport.model(model, normalization: .standard)
        #expect(first == second)
        #expect(Array(first[0..<2]) == [0x08, UInt8(ONNXExport.irVersion)])  // field 1 (ir_version) first
        let text = String(decoding: first, as: UTF8.self)
        for op in ["Conv", "ConvTranspose", "Clip", "Relu", "Add", "Concat", "Softmax"] { #expect(text.contains(op)) }
        #expect(text.contains("background,interior,boundary") && text.contains("preprocessing"))
        // Folded weights + biases: every parameter of the network, BatchNorms folded away.
        let parameters = model.namedParameters().filter { !$0.0.hasSuffix("gamma") && !$0.0.hasSuffix("beta") }
            .reduce(0) { $0 + $1.1.value.count }
        #expect(first.count > 4 * parameters && first.count < 4 * parameters + 200_000)
    }
}

@Suite struct BioImageIOPackageTests {
    @Test func packageFilesAndChecksums() throws {
        let folder = TestResources.temporaryFolder("bioimageio")
        let model = UNet(seed: 3)
        let image = PixelImage(width: 40, height: 70, channels: 1, bitDepth: 8, samples: (0..<2800).map { UInt16($0 % 251) })
        let sample = try ModelExport.sample(image, path: "img.png", model: model, normalization: .standard)
        #expect(sample.width == 32 && sample.height == 64 && sample.classes == 2)
        #expect(sample.raw[0..<3] == [0, 1, 2] && sample.raw[32] == 40)  // row 1 starts at sample 40 of the 40-wide image
        #expect(abs(sample.input[1] - (Float(1) / 255 * 2 - 1)) < 1e-6)  // 8-bit x/255 (standard), then 2v - 1
        let files = try BioImageIOPackage.write(model: model, metadata: [:], normalization: .standard, sample: sample, sampleName: "img.png",
                                                to: folder.appendingPathComponent("pkg"))
        #expect(Set(files.map(\.lastPathComponent)) == ["rdf.yaml", "model.onnx", "test_input.npy", "test_output_logits.npy",
                                                         "test_output_probabilities.npy", "cover.png", "sample_probabilities.png",
                                                         "README.md", "sample_input.png", "pkg.zip"])
        let rdf = try String(contentsOf: folder.appendingPathComponent("pkg/rdf.yaml"), encoding: .utf8)
        let onnx = Array(try Data(contentsOf: folder.appendingPathComponent("pkg/model.onnx")))
        #expect(rdf.contains("format_version: \(BioImageIOPackage.formatVersion)\n"))
        #expect(rdf.contains("    source: model.onnx\n    sha256: \(SHA256.hex(onnx))\n"))
        #expect(rdf.contains("kwargs: {gain: \(2.0 / 255), offset: -1.0}"))
        #expect(throws: ExportError.self) {
            try BioImageIOPackage.write(model: model, metadata: [:], normalization: .standard, sample: sample, sampleName: "img.png",
                                        to: folder.appendingPathComponent("pkg"))
        }
    }

    @Test func tooSmallSampleIsRefusedByName() {
        let image = PixelImage(width: 31, height: 100, channels: 1, bitDepth: 8, samples: [UInt16](repeating: 0, count: 3100))
        #expect(throws: ExportError.sampleTooSmall(path: "tiny.png", width: 31, height: 100)) {
            try ModelExport.sample(image, path: "tiny.png", model: UNet(seed: 1), normalization: .standard)
        }
    }
}
