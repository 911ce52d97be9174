/// A Keras-style summary of the U-Net: one row per top-level layer, as `model.summary()` prints
/// the TensorFlow tutorial's model, ending in the total, trainable and non-trainable counts.
public struct ModelSummary: Sendable {
    public struct Row: Sendable {
        public var layer: String
        public var type: String
        public var outputShapes: [[Int]]
        public var parameters: Int
        public var connectedTo: [String]
    }

    public var rows: [Row]
    public var total: Int
    public var trainable: Int
    public var nonTrainable: Int

    /// - Parameters:
    ///   - detailed: list every encoder layer (Keras names) instead of one row for the encoder.
    public init(model: UNet, inputSize: Int = 128, detailed: Bool = false) {
        var rows: [Row] = [Row(layer: "input", type: "InputLayer", outputShapes: [[inputSize, inputSize, 3]], parameters: 0, connectedTo: [])]
        let encoderSkipShapes = [(2, 96), (4, 144), (8, 192), (16, 576), (32, 320)].map { [inputSize / $0.0, inputSize / $0.0, $0.1] }
        if detailed {
            var previous = "input"
            for (name, layer) in model.encoder.namedChildren {
                let count = layer.namedVariables().reduce(0) { $0 + $1.1.value.count }
                rows.append(Row(layer: name, type: String(describing: type(of: layer)), outputShapes: [], parameters: count, connectedTo: [previous]))
                previous = name
            }
        } else {
            let count = model.encoder.namedVariables().reduce(0) { $0 + $1.1.value.count }
            rows.append(Row(layer: "encoder", type: "MobileNetV2" + (model.isEncoderTrainable ? "" : ", frozen"),
                            outputShapes: encoderSkipShapes, parameters: count, connectedTo: ["input"]))
        }
        var previous = MobileNetV2Encoder.skipNames.last!
        var size = inputSize / 32
        for (index, filters) in UNetDecoder.filters.enumerated() {
            size *= 2
            let block = model.decoder.upsamples[index]
            let name = "decoder.up\(index + 1)"
            rows.append(Row(layer: name, type: "Conv2DTranspose+BatchNorm+ReLU", outputShapes: [[size, size, filters]],
                            parameters: block.namedVariables().reduce(0) { $0 + $1.1.value.count }, connectedTo: [previous]))
            let skip = encoderSkipShapes[3 - index]
            let concatName = "concatenate\(index + 1)"
            rows.append(Row(layer: concatName, type: "Concatenate", outputShapes: [[size, size, filters + skip[2]]], parameters: 0,
                            connectedTo: [name, MobileNetV2Encoder.skipNames[3 - index]]))
            previous = concatName
        }
        let classes = model.decoder.output.kernel.shape[2]
        rows.append(Row(layer: "decoder.output", type: "Conv2DTranspose", outputShapes: [[inputSize, inputSize, classes]],
                        parameters: model.decoder.output.namedVariables().reduce(0) { $0 + $1.1.value.count }, connectedTo: [previous]))
        self.rows = rows
        let counts = model.parameterCounts
        trainable = counts.trainable
        nonTrainable = counts.nonTrainable
        total = counts.trainable + counts.nonTrainable
    }

    /// The table as text, Keras style.
    public func render() -> String {
        func shapeText(_ shape: [Int]) -> String { "(None, " + shape.map(String.init).joined(separator: ", ") + ")" }
        let header = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
        var lines: [[String]] = []
        for row in rows {
            let shapes = row.outputShapes.isEmpty ? [""] : row.outputShapes.map(shapeText)
            for (index, shape) in shapes.enumerated() {
                lines.append(index == 0
                    ? ["\(row.layer) (\(row.type))", shape, Self.grouped(row.parameters), row.connectedTo.joined(separator: ", ")]
                    : ["", shape, "", ""])
            }
        }
        let widths = (0..<4).map { column in max(header[column].count, lines.map { $0[column].count }.max() ?? 0) }
        func format(_ cells: [String]) -> String {
            cells.enumerated().map { $0.element.padding(toLength: widths[$0.offset]) }.joined(separator: "  ")
                .trimmingTrailingSpaces()
        }
        let rule = String(repeating: "─", count: widths.reduce(0, +) + 6)
        var text = "Model: \"unet_mobilenetv2\"\n" + rule + "\n" + format(header) + "\n" + rule + "\n"
        text += lines.map(format).joined(separator: "\n") + "\n" + rule + "\n"
        text += "Total params: \(Self.grouped(total))\n"
        text += "Trainable params: \(Self.grouped(trainable))\n"
        text += "Non-trainable params: \(Self.grouped(nonTrainable))\n"
        return text
    }

    /// 6502786 -> "6,502,786".
    public static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return (value < 0 ? "-" : "") + result
    }
}

extension String {
    func padding(toLength length: Int) -> String {
        count >= length ? self : self + String(repeating: " ", count: length - count)
    }

    func trimmingTrailingSpaces() -> String {
        var result = self
        while result.last == " " { result.removeLast() }
        return result
    }
}
