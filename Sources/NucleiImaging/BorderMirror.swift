/// Symmetric border extension: indices past an edge reflect back into the image without
/// repeating the edge pixel (…, 2, 1, 0, 1, 2, …, n-2, n-1, n-2, …), so windows that leave the
/// image (tiles, zoomed-out crops) see plausible context instead of a black frame.
public enum BorderMirror {
    /// Reflects `index` into 0..<length (0 for a length of 1).
    @inline(__always)
    public static func index(_ index: Int, length: Int) -> Int {
        guard length > 1 else { return 0 }
        let period = 2 * (length - 1)
        var position = index % period
        if position < 0 { position += period }
        return position < length ? position : period - position
    }
}
