/// The rows of a streamed label image that blocks may still paint: a window over the image,
/// full width, which gives up its top rows in tile-high chunks once no later block can reach
/// them. Memory: `width` x (rows held) x 4 bytes.
struct LabelBand {
    let width: Int
    let imageHeight: Int
    let tileSize: Int
    /// Image row of `labels`' first row (a multiple of `tileSize`).
    private(set) var top = 0
    /// Rows held, row-major, `width` per row.
    private(set) var labels: [UInt32] = []

    init(width: Int, imageHeight: Int, tileSize: Int) {
        self.width = width
        self.imageHeight = imageHeight
        self.tileSize = tileSize
    }

    var rows: Int { labels.count / width }

    /// Makes rows up to `end` (exclusive) available.
    mutating func extend(through end: Int) {
        let needed = min(end, imageHeight) - top
        if needed > rows { labels.append(contentsOf: repeatElement(0, count: (needed - rows) * width)) }
    }

    /// Index into `labels` of image pixel (x, y), which must be held.
    @inline(__always) func index(x: Int, y: Int) -> Int { (y - top) * width + x }

    /// Sets the label at `index` (from `index(x:y:)`).
    @inline(__always) mutating func paint(_ index: Int, label: UInt32) { labels[index] = label }

    /// Hands whole tile rows above `limit` (all remaining rows when `limit` is the image height)
    /// to `emit` as (first image row, row count, labels) and drops them.
    mutating func release(below limit: Int, emit: (Int, Int, ArraySlice<UInt32>) throws -> Void) rethrows {
        let end = limit >= imageHeight ? imageHeight : limit / tileSize * tileSize
        guard end > top else { return }
        extend(through: end)
        for first in stride(from: top, to: end, by: tileSize) {
            let count = min(tileSize, end - first)
            let start = (first - top) * width
            try emit(first, count, labels[start..<(start + count * width)])
        }
        labels.removeFirst((end - top) * width)  // one move of the rows kept
        top = end
    }
}
