/// Ops that combine or reshape variables without arithmetic of their own.
extension Variable {
    /// Elementwise sum of two variables of the same shape (the MobileNetV2 residual add).
    public static func add(_ left: Variable, _ right: Variable) -> Variable {
        record(left.value + right.value, parents: [left, right]) { outputGradient in
            if left.requiresGradient { left.accumulateGradient(outputGradient) }
            if right.requiresGradient { right.accumulateGradient(outputGradient) }
        }
    }

    /// Concatenation along the channel (last) axis (the U-Net skip connection).
    public static func concatenateChannels(_ parts: [Variable]) -> Variable {
        let output = Tensor.concatenate(channels: parts.map(\.value))
        let widths = parts.map { $0.shape.last! }
        return record(output, parents: parts) { outputGradient in
            var start = 0
            for (part, width) in zip(parts, widths) {
                if part.requiresGradient { part.accumulateGradient(outputGradient.slice(channels: start..<(start + width))) }
                start += width
            }
        }
    }

    /// Zero padding of the height and width axes of an NHWC variable (Keras `ZeroPadding2D`).
    public static func zeroPadding(_ input: Variable, top: Int, bottom: Int, left: Int, right: Int) -> Variable {
        let shape = input.shape
        precondition(shape.count == 4 && min(top, bottom, left, right) >= 0, "zero padding of \(shape)")
        let (batch, height, width, channels) = (shape[0], shape[1], shape[2], shape[3])
        let paddedHeight = height + top + bottom, paddedWidth = width + left + right
        let rowLength = width * channels
        var output = Tensor(shape: [batch, paddedHeight, paddedWidth, channels])
        input.value.withUnsafeBufferPointer { x in
            output.withUnsafeMutableBufferPointer { y in
                for n in 0..<batch {
                    for row in 0..<height {
                        let source = x.baseAddress! + (n * height + row) * rowLength
                        let destination = y.baseAddress! + ((n * paddedHeight + row + top) * paddedWidth + left) * channels
                        destination.update(from: source, count: rowLength)
                    }
                }
            }
        }
        return record(output, parents: [input]) { outputGradient in
            let inputGradient = Tensor(shape: shape) { dx in
                outputGradient.withUnsafeBufferPointer { dy in
                    for n in 0..<batch {
                        for row in 0..<height {
                            let source = dy.baseAddress! + ((n * paddedHeight + row + top) * paddedWidth + left) * channels
                            (dx.baseAddress! + (n * height + row) * rowLength).update(from: source, count: rowLength)
                        }
                    }
                }
            }
            input.accumulateGradient(inputGradient)
        }
    }
}

extension Variable {
    /// The same elements under another shape; the gradient is reshaped back.
    public static func reshape(_ input: Variable, _ shape: [Int]) -> Variable {
        let originalShape = input.shape
        return record(input.value.reshaped(shape), parents: [input]) { outputGradient in
            input.accumulateGradient(outputGradient.reshaped(originalShape))
        }
    }
}
