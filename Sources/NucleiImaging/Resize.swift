/// Resizing for the network input: bilinear for images, nearest for labels.
///
/// Bilinear uses half-pixel centres, as TensorFlow `resize(method: bilinear)`, OpenCV
/// `INTER_LINEAR` and PyTorch `align_corners=False` (no antialiasing): output pixel `o` reads
/// source coordinate `(o + 0.5) * in / out - 0.5`, clamped to `[0, in - 1]`, between
/// `floor` and `min(floor + 1, in - 1)`. Labels are never interpolated: nearest picks
/// `min(floor((o + 0.5) * in / out), in - 1)`, so every output label exists in the input.
public enum Resize {
    /// Bilinear resize of an HWC float image.
    /// - Complexity: O(outputWidth * outputHeight * channels).
    public static func bilinear(_ image: FloatImage, width outputWidth: Int, height outputHeight: Int) -> FloatImage {
        precondition(outputWidth > 0 && outputHeight > 0, "resize target must be positive, got \(outputWidth)x\(outputHeight)")
        let channels = image.channels
        let xs = taps(input: image.width, output: outputWidth)
        let ys = taps(input: image.height, output: outputHeight)
        var output = [Float](repeating: 0, count: outputWidth * outputHeight * channels)
        image.samples.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                for oy in 0..<outputHeight {
                    let (y0, y1, wy) = ys[oy]
                    let row0 = y0 * image.width, row1 = y1 * image.width
                    for ox in 0..<outputWidth {
                        let (x0, x1, wx) = xs[ox]
                        let base = (oy * outputWidth + ox) * channels
                        for c in 0..<channels {
                            let top = source[(row0 + x0) * channels + c] * (1 - wx) + source[(row0 + x1) * channels + c] * wx
                            let bottom = source[(row1 + x0) * channels + c] * (1 - wx) + source[(row1 + x1) * channels + c] * wx
                            target[base + c] = top * (1 - wy) + bottom * wy
                        }
                    }
                }
            }
        }
        return FloatImage(width: outputWidth, height: outputHeight, channels: channels, samples: output)
    }

    /// Nearest-neighbour resize of a label image (labels are copied, never blended).
    public static func nearest(_ image: LabelImage, width outputWidth: Int, height outputHeight: Int) -> LabelImage {
        precondition(outputWidth > 0 && outputHeight > 0, "resize target must be positive, got \(outputWidth)x\(outputHeight)")
        let xs = (0..<outputWidth).map { nearestIndex($0, input: image.width, output: outputWidth) }
        let ys = (0..<outputHeight).map { nearestIndex($0, input: image.height, output: outputHeight) }
        var labels = [Int32](repeating: 0, count: outputWidth * outputHeight)
        for oy in 0..<outputHeight {
            let row = ys[oy] * image.width
            for ox in 0..<outputWidth { labels[oy * outputWidth + ox] = image.labels[row + xs[ox]] }
        }
        return LabelImage(width: outputWidth, height: outputHeight, labels: labels)
    }

    /// Source index for nearest-neighbour output index `o`.
    public static func nearestIndex(_ o: Int, input: Int, output: Int) -> Int {
        let source = Int(((Double(o) + 0.5) * Double(input) / Double(output)).rounded(.down))
        return min(max(source, 0), input - 1)
    }

    /// Bilinear taps for output index `o`: the two source indices and the weight of the second.
    static func taps(input: Int, output: Int) -> [(Int, Int, Float)] {
        let scale = Double(input) / Double(output)
        return (0..<output).map { o in
            let source = min(max((Double(o) + 0.5) * scale - 0.5, 0), Double(input - 1))
            let i0 = Int(source.rounded(.down))
            let i1 = min(i0 + 1, input - 1)
            return (i0, i1, Float(source - Double(i0)))
        }
    }
}
