/// Marker-controlled watershed by priority flooding (Meyer's algorithm).
///
/// Each marker grows into its neighbours in order of the surface value, lowest first, so regions
/// meet along the crests of the surface. On the negative distance transform the crests are the
/// necks between touching nuclei.
///
/// Deterministic: pixels of equal value leave the queue in the order they entered it (first in,
/// first out), and markers enter in raster order, so the result does not depend on the heap's
/// internal order (the same tie rule as `skimage.segmentation.watershed`).
public enum Watershed {
    /// Floods `surface` from `markers` inside `mask`.
    ///
    /// - Parameters:
    ///   - surface: row-major values; low values are flooded first. Must not contain NaN.
    ///   - markers: row-major seeds; each non-zero label grows into one region. Seeds outside
    ///     the mask are ignored.
    ///   - mask: pixels that may be labelled; `nil` for all of them.
    ///   - connectivity: neighbourhood of the flooding.
    /// - Returns: labels of the regions; 0 outside the mask and in parts of it no marker reaches.
    /// - Complexity: O(pixels log pixels).
    public static func flood(
        surface: [Float], markers: [Int32], mask: [Bool]? = nil, width: Int, height: Int,
        connectivity: Connectivity = .eight
    ) -> [Int32] {
        let pixelCount = width * height
        precondition(
            surface.count == pixelCount && markers.count == pixelCount && (mask?.count ?? pixelCount) == pixelCount,
            "flood: surface \(surface.count), markers \(markers.count), mask \(mask?.count ?? pixelCount) pixels for \(width)x\(height)")
        let allowed = mask ?? [Bool](repeating: true, count: pixelCount)
        var labels = [Int32](repeating: 0, count: pixelCount)
        var queue = FloodQueue()
        for index in 0..<pixelCount where markers[index] != 0 && allowed[index] {
            labels[index] = markers[index]
            queue.push(pixel: Int32(index), value: surface[index])
        }
        let offsets: [(Int, Int)] =
            connectivity == .eight
            ? [(-1, -1), (0, -1), (1, -1), (-1, 0), (1, 0), (-1, 1), (0, 1), (1, 1)]
            : [(0, -1), (-1, 0), (1, 0), (0, 1)]
        while let pixel = queue.pop() {
            let index = Int(pixel), x = index % width, y = index / width
            let label = labels[index]
            for (dx, dy) in offsets {
                let neighbourX = x + dx, neighbourY = y + dy
                guard neighbourX >= 0 && neighbourX < width && neighbourY >= 0 && neighbourY < height else { continue }
                let neighbour = neighbourY * width + neighbourX
                if labels[neighbour] == 0 && allowed[neighbour] {
                    labels[neighbour] = label
                    queue.push(pixel: Int32(neighbour), value: surface[neighbour])
                }
            }
        }
        return labels
    }
}

/// A binary min-heap of pixels keyed by (value, arrival): equal values leave first in, first out.
struct FloodQueue {
    private struct Entry {
        /// Order-preserving bits of the value in the high half, arrival number in the low half.
        var key: UInt64
        var pixel: Int32
    }
    private var entries: [Entry] = []
    private var arrivals: UInt64 = 0

    /// Maps a float to an unsigned integer with the same order (negative values flip all bits,
    /// non-negative ones set the sign bit), so that one integer comparison orders the heap.
    @inline(__always)
    static func orderedBits(_ value: Float) -> UInt64 {
        let bits = value.bitPattern
        return UInt64((bits & 0x8000_0000) != 0 ? ~bits : bits | 0x8000_0000)
    }

    var isEmpty: Bool { entries.isEmpty }

    /// - Complexity: O(log n).
    mutating func push(pixel: Int32, value: Float) {
        precondition(!value.isNaN, "FloodQueue: NaN surface value")
        let entry = Entry(key: Self.orderedBits(value) << 32 | (arrivals & 0xFFFF_FFFF), pixel: pixel)
        arrivals += 1
        entries.append(entry)
        entries.withUnsafeMutableBufferPointer { heap in
            var child = heap.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard heap[parent].key > entry.key else { break }
                heap[child] = heap[parent]
                child = parent
            }
            heap[child] = entry
        }
    }

    /// - Complexity: O(log n).
    mutating func pop() -> Int32? {
        guard let last = entries.popLast() else { return nil }
        guard !entries.isEmpty else { return last.pixel }
        let top = entries[0].pixel
        entries.withUnsafeMutableBufferPointer { heap in
            let count = heap.count
            var parent = 0
            while true {
                var child = 2 * parent + 1
                guard child < count else { break }
                if child + 1 < count && heap[child + 1].key < heap[child].key { child += 1 }
                guard heap[child].key < last.key else { break }
                heap[parent] = heap[child]
                parent = child
            }
            heap[parent] = last
        }
        return top
    }
}
