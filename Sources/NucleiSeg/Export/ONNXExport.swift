/// Writes the U-Net as an ONNX model (IR version 8, opset 17) with standard operators only:
/// Conv (grouped for the depthwise layers), ConvTranspose, Clip (ReLU6), Relu, Add, Concat and
/// Softmax. BatchNorms are folded into the convolutions exactly as `InferenceUNet` folds them
/// (same weights, float32), so onnxruntime and `nucleiseg` compute the same function.
///
/// Tensors are NCHW. Input `input`: `[batch, 3, height, width]` float32, the image already
/// normalised as `nucleiseg` does it (see the `preprocessing` metadata entry), height and width
/// multiples of 32. Outputs: `logits` `[batch, classes, height, width]` and `probabilities`
/// (their softmax over the class axis). Class 0 is background, 1 nucleus (2 classes: the seed
/// head), or 1 interior and 2 boundary (3 classes: the contour head).
public enum ONNXExport {
    public static let opsetVersion = 17
    public static let irVersion = 8

    /// Class names by class count, in output-channel order.
    public static func classNames(classes: Int) -> [String] {
        classes == 3 ? ["background", "interior", "boundary"] : classes == 2 ? ["background", "nucleus"] : (0..<classes).map { "class\($0)" }
    }

    /// The serialised ModelProto. `metadata` goes into `metadata_props` after the entries this
    /// function writes itself (`classes`, `class_names`, `input_layout`, `preprocessing`).
    public static func model(_ unet: UNet, normalization: NormalizationSpec, metadata: [(String, String)] = [],
                             producerVersion: String = "1") -> [UInt8] {
        let network = InferenceUNet(unet, precision: .float32)
        var graph = GraphBuilder()
        graph.scalar("relu6_min", 0)
        graph.scalar("relu6_max", 6)
        var x = graph.conv("input", network.encoder.stem, name: "Conv1", pads: samePads(network.encoder.stem))
        x = graph.clip6(x, name: "Conv1_relu")
        var skips: [String] = []
        for (index, block) in network.encoder.blocks.enumerated() {
            let prefix = index == 0 ? "expanded_conv" : "block_\(index)"
            let blockInput = x
            if let expand = block.expand {
                x = graph.clip6(graph.conv(x, expand, name: prefix + "_expand", pads: [0, 0, 0, 0]), name: prefix + "_expand_relu")
                if index == 1 || index == 3 || index == 6 || index == 13 { skips.append(x) }
            }
            x = graph.clip6(graph.conv(x, block.depthwise, name: prefix + "_depthwise", pads: samePads(block.depthwise)),
                            name: prefix + "_depthwise_relu")
            x = graph.conv(x, block.project, name: prefix + "_project", pads: [0, 0, 0, 0])
            if index == 16 { skips.append(x) }
            if block.residual { x = graph.node("Add", [blockInput, x], name: prefix + "_add") }
        }
        x = skips.last!
        for (index, upsample) in network.upsamples.enumerated() {
            let name = "decoder_up\(index + 1)"
            let up = graph.node("Relu", [graph.convTranspose(x, upsample, name: name)], name: name + "_relu")
            x = graph.node("Concat", [up, skips[skips.count - 2 - index]], name: name + "_concat", attributes: [.int("axis", 1)])
        }
        let logits = graph.convTranspose(x, network.output, name: "decoder_output", output: "logits")
        _ = graph.node("Softmax", [logits], name: "softmax", attributes: [.int("axis", 1)], output: "probabilities")

        let classes = unet.classes
        var graphProto = ProtobufMessage()
        for node in graph.nodes { graphProto.message(1, node) }
        graphProto.string(2, "nucleiseg_unet_mobilenetv2")
        for tensor in graph.initializers { graphProto.message(5, tensor) }
        graphProto.message(11, valueInfo("input", dims: [.symbol("batch"), .value(3), .symbol("height"), .symbol("width")]))
        graphProto.message(12, valueInfo("logits", dims: [.symbol("batch"), .value(classes), .symbol("height"), .symbol("width")]))
        graphProto.message(12, valueInfo("probabilities", dims: [.symbol("batch"), .value(classes), .symbol("height"), .symbol("width")]))

        var model = ProtobufMessage()
        model.int(1, irVersion)
        model.string(2, "nucleiseg")
        model.string(3, producerVersion)
        model.string(6, "U-Net on a MobileNetV2 encoder for nucleus segmentation, exported by nucleiseg (BatchNorm folded).")
        model.message(7, graphProto)
        var opset = ProtobufMessage()
        opset.string(1, "")
        opset.int(2, opsetVersion)
        model.message(8, opset)
        let entries: [(String, String)] = [
            ("classes", String(classes)),
            ("class_names", classNames(classes: classes).joined(separator: ",")),
            ("input_layout", "NCHW float32, 3 channels (gray images repeated), height and width multiples of 32"),
            ("preprocessing", preprocessingText(normalization)),
        ] + metadata
        for (key, value) in entries {
            var entry = ProtobufMessage()
            entry.string(1, key)
            entry.string(2, value)
            model.message(14, entry)
        }
        return model.bytes
    }

    /// How an image becomes the `input` tensor, in words.
    public static func preprocessingText(_ normalization: NormalizationSpec) -> String {
        func rule(_ rule: NormalizationSpec.IntensityRule, bits: Int) -> String {
            switch rule {
            case .fullRange: return "x / \((1 << bits) - 1)"
            case let .percentiles(low, high): return "(x - p\(low)) / (p\(high) - p\(low)) over the image's samples, clipped to [0, 1]"
            }
        }
        return "gray images repeated to 3 channels (RGB kept, alpha dropped); 8-bit samples: \(rule(normalization.eightBit, bits: 8)); "
            + "16-bit samples: \(rule(normalization.sixteenBit, bits: 16)); then 2v - 1 (range [-1, 1]); NCHW. "
            + "nucleiseg predicts at native resolution on overlapping 256x256 tiles (crops models) or on the whole image resized to "
            + "\(normalization.inputWidth)x\(normalization.inputHeight) (resize models)."
    }

    /// Keras 'same' pads of a stride-1 or stride-2 3x3 (or 1x1) convolution on even sizes, as
    /// ONNX [top, left, bottom, right]: the odd pixel after.
    static func samePads(_ layer: FoldedConvolution) -> [Int] {
        let kernel = layer.weights.shape[0]
        let total = max(kernel - layer.stride, 0)
        return [total / 2, total / 2, total - total / 2, total - total / 2]
    }

    /// A Keras kernel `[kh, kw, b, a]` in ONNX's weight layout `[a, b, kh, kw]` (see
    /// `GraphBuilder.onnxWeights`).
    public static func onnxKernel(_ kernel: Tensor) -> Tensor {
        let weights = GraphBuilder.onnxWeights(kernel)
        return Tensor(shape: weights.dims, scalars: weights.values)
    }

    enum Dimension {
        case value(Int)
        case symbol(String)
    }

    static func valueInfo(_ name: String, dims: [Dimension]) -> ProtobufMessage {
        var shape = ProtobufMessage()
        for dim in dims {
            var d = ProtobufMessage()
            switch dim {
            case let .value(v): d.int(1, v)
            case let .symbol(s): d.string(2, s)
            }
            shape.message(1, d)
        }
        var tensorType = ProtobufMessage()
        tensorType.int(1, 1)  // FLOAT
        tensorType.message(2, shape)
        var type = ProtobufMessage()
        type.message(1, tensorType)
        var info = ProtobufMessage()
        info.string(1, name)
        info.message(2, type)
        return info
    }
}

/// Nodes and initializers of one ONNX graph under construction.
struct GraphBuilder {
    enum Attribute {
        case int(String, Int)
        case ints(String, [Int])
    }

    private(set) var nodes: [ProtobufMessage] = []
    private(set) var initializers: [ProtobufMessage] = []

    mutating func tensor(_ name: String, dims: [Int], values: [Float]) {
        precondition(dims.reduce(1, *) == values.count, "initializer \(name): \(values.count) values for \(dims)")
        var tensor = ProtobufMessage()
        for d in dims { tensor.int(1, d) }
        tensor.int(2, 1)  // FLOAT
        tensor.string(8, name)
        var raw: [UInt8] = []
        raw.reserveCapacity(values.count * 4)
        for value in values { raw.appendLittleEndian(value.bitPattern) }
        tensor.bytes(9, raw)
        initializers.append(tensor)
    }

    mutating func scalar(_ name: String, _ value: Float) { tensor(name, dims: [], values: [value]) }

    /// Adds a node; returns its (first) output's name.
    @discardableResult
    mutating func node(_ op: String, _ inputs: [String], name: String, attributes: [Attribute] = [], output: String? = nil) -> String {
        let outputName = output ?? name
        var node = ProtobufMessage()
        for input in inputs { node.string(1, input) }
        node.string(2, outputName)
        node.string(3, name)
        node.string(4, op)
        for attribute in attributes {
            var a = ProtobufMessage()
            switch attribute {
            case let .int(key, value):
                a.string(1, key)
                a.int(3, value)
                a.int(20, 2)  // INT
            case let .ints(key, values):
                a.string(1, key)
                for v in values { a.int(8, v) }
                a.int(20, 7)  // INTS
            }
            node.message(5, a)
        }
        nodes.append(node)
        return outputName
    }

    /// Keras kernel [kh, kw, b, a] (conv: b = in, a = out; transposed: b = out, a = in) as the
    /// ONNX weight [a, b, kh, kw], which both Conv and ConvTranspose expect.
    static func onnxWeights(_ kernel: Tensor) -> (dims: [Int], values: [Float]) {
        let s = kernel.shape
        let (kh, kw, b, a) = (s[0], s[1], s[2], s[3])
        let source = kernel.scalars
        var values = [Float](repeating: 0, count: source.count)
        for y in 0..<kh {
            for x in 0..<kw {
                for j in 0..<b {
                    for i in 0..<a {
                        values[((i * b + j) * kh + y) * kw + x] = source[((y * kw + x) * b + j) * a + i]
                    }
                }
            }
        }
        return ([a, b, kh, kw], values)
    }

    mutating func conv(_ input: String, _ layer: FoldedConvolution, name: String, pads: [Int]) -> String {
        let weights = Self.onnxWeights(layer.weights)
        tensor(name + "/W", dims: weights.dims, values: weights.values)
        tensor(name + "/B", dims: [layer.bias.count], values: layer.bias.scalars)
        return node("Conv", [input, name + "/W", name + "/B"], name: name, attributes: [
            .ints("kernel_shape", [layer.weights.shape[0], layer.weights.shape[1]]),
            .ints("strides", [layer.stride, layer.stride]), .ints("pads", pads), .int("group", layer.groups),
        ])
    }

    /// Keras 'same' Conv2DTranspose with stride 2 and a 3x3 kernel: ONNX ConvTranspose pads
    /// [0, 0, 1, 1] (TensorFlow drops the odd pixel after), output exactly twice the input.
    mutating func convTranspose(_ input: String, _ layer: FoldedConvolution, name: String, output: String? = nil) -> String {
        let weights = Self.onnxWeights(layer.weights)
        tensor(name + "/W", dims: weights.dims, values: weights.values)
        tensor(name + "/B", dims: [layer.bias.count], values: layer.bias.scalars)
        let kernel = layer.weights.shape[0]
        let total = kernel - layer.stride
        return node("ConvTranspose", [input, name + "/W", name + "/B"], name: name, attributes: [
            .ints("kernel_shape", [kernel, layer.weights.shape[1]]), .ints("strides", [layer.stride, layer.stride]),
            .ints("pads", [total / 2, total / 2, total - total / 2, total - total / 2]),
        ], output: output)
    }

    mutating func clip6(_ input: String, name: String) -> String {
        node("Clip", [input, "relu6_min", "relu6_max"], name: name)
    }
}
