/// Instance labels read from and written to mask images.
extension LabelImage {
    /// Reads a decoded mask as instance labels.
    ///
    /// Gray and gray+alpha masks use the gray value (alpha ignored). RGB(A) masks are accepted
    /// only when R = G = B everywhere (a gray image saved as colour); anything else is ambiguous.
    /// - Throws: `ImagingError.unsupportedMask` naming `path`.
    public init(mask: PixelImage, path: String) throws(ImagingError) {
        let channels = mask.channels
        var labels = [Int32](repeating: 0, count: mask.width * mask.height)
        for index in labels.indices {
            let base = index * channels
            let value = mask.samples[base]
            if channels >= 3 && (mask.samples[base + 1] != value || mask.samples[base + 2] != value) {
                throw .unsupportedMask(path: path, detail: "colour mask (pixel \(index % mask.width),\(index / mask.width) has different R, G, B values)")
            }
            labels[index] = Int32(value)
        }
        self.init(width: mask.width, height: mask.height, labels: labels)
    }

    /// As a 16-bit gray image for PNG encoding. Labels above 65535 are a programmer error.
    public func pixelImage16() -> PixelImage {
        PixelImage(width: width, height: height, channels: 1, bitDepth: 16, samples: labels.map {
            precondition($0 >= 0 && $0 <= 65535, "label \($0) does not fit a 16-bit PNG")
            return UInt16($0)
        })
    }
}
