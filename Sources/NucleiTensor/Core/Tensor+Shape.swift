/// Slicing and joining along the batch (first) and channel (last) axes of NHWC tensors.
extension Tensor {
    /// Items `range` of the first axis.
    public func slice(batch range: Range<Int>) -> Tensor {
        precondition(rank >= 1 && range.lowerBound >= 0 && range.upperBound <= shape[0],
                     "batch range \(range) out of bounds for shape \(shape)")
        let itemCount = count / max(shape[0], 1)
        var newShape = shape
        newShape[0] = range.count
        return Tensor(shape: newShape) { output in
            withUnsafeBufferPointer { input in
                output.baseAddress!.update(from: input.baseAddress! + range.lowerBound * itemCount, count: range.count * itemCount)
            }
        }
    }

    /// Stacks tensors of equal shape along the first axis.
    public static func concatenate(batch parts: [Tensor]) -> Tensor {
        precondition(!parts.isEmpty, "nothing to concatenate")
        let itemShape = Array(parts[0].shape.dropFirst())
        for part in parts {
            precondition(Array(part.shape.dropFirst()) == itemShape, "batch concatenation of \(parts.map(\.shape))")
        }
        let total = parts.reduce(0) { $0 + $1.shape[0] }
        return Tensor(shape: [total] + itemShape) { output in
            var offset = 0
            for part in parts {
                part.withUnsafeBufferPointer { input in
                    (output.baseAddress! + offset).update(from: input.baseAddress!, count: input.count)
                    offset += input.count
                }
            }
        }
    }

    /// Joins tensors along the last (channel) axis; all other dimensions must agree.
    ///
    /// - Complexity: one pass over the output.
    public static func concatenate(channels parts: [Tensor]) -> Tensor {
        precondition(!parts.isEmpty, "nothing to concatenate")
        let outer = Array(parts[0].shape.dropLast())
        for part in parts {
            precondition(Array(part.shape.dropLast()) == outer, "channel concatenation of \(parts.map(\.shape))")
        }
        let widths = parts.map { $0.shape.last! }
        let totalChannels = widths.reduce(0, +)
        let rows = outer.reduce(1, *)
        return Tensor(shape: outer + [totalChannels]) { output in
            var channelOffset = 0
            for (part, width) in zip(parts, widths) {
                part.withUnsafeBufferPointer { input in
                    let source = input.baseAddress!
                    let destination = output.baseAddress! + channelOffset
                    for row in 0..<rows {
                        (destination + row * totalChannels).update(from: source + row * width, count: width)
                    }
                }
                channelOffset += width
            }
        }
    }

    /// Channels `range` of the last axis.
    public func slice(channels range: Range<Int>) -> Tensor {
        let channels = shape.last!
        precondition(range.lowerBound >= 0 && range.upperBound <= channels, "channel range \(range) for shape \(shape)")
        let rows = count / max(channels, 1)
        let width = range.count
        return Tensor(shape: Array(shape.dropLast()) + [width]) { output in
            withUnsafeBufferPointer { input in
                for row in 0..<rows {
                    (output.baseAddress! + row * width).update(from: input.baseAddress! + row * channels + range.lowerBound, count: width)
                }
            }
        }
    }
}
