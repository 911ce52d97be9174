/// Regional maxima that stand out from their surroundings by more than a given height.
///
/// The *dynamic* of a maximum is how far one must descend from it before reaching a higher
/// maximum (the global maximum's is unbounded). Keeping the maxima whose dynamic exceeds `h` is
/// the same as taking the regional maxima of the h-maxima transform (Soille, "Morphological
/// Image Analysis", 6.3.3) but needs no morphological reconstruction: pixels are visited from
/// high to low and joined with union-find, and when two regions meet at level `v` the one with
/// the lower peak ends with dynamic `peak - v` (Grimaud 1992).
public enum RegionalMaxima {
    /// One pixel (the highest; the first in raster order among equals) of every maximum whose
    /// dynamic exceeds `minimumDynamic`, in raster order.
    ///
    /// - Parameters:
    ///   - values: row-major heights; must not contain NaN.
    ///   - mask: pixels taking part; others separate regions; `nil` for all.
    ///   - minimumDynamic: `h`; a maximum is kept when its dynamic is strictly greater. Every
    ///     connected region of the mask keeps at least its highest maximum.
    ///   - relativeDynamic: a maximum must also rise more than this fraction of its own height
    ///     (0: no such condition). On a distance map the height of a peak is the radius of the
    ///     nucleus there, so this condition does not depend on the magnification.
    /// - Complexity: O(n log n) for n pixels in the mask (one sort).
    public static func peaks(
        of values: [Float], mask: [Bool]? = nil, width: Int, height: Int,
        minimumDynamic: Float, relativeDynamic: Float = 0, connectivity: Connectivity = .eight
    ) -> [Int] {
        let pixelCount = width * height
        precondition(
            values.count == pixelCount && (mask?.count ?? pixelCount) == pixelCount,
            "peaks: \(values.count) values, mask \(mask?.count ?? pixelCount) for \(width)x\(height)")
        // Order: descending value, then ascending index. Both packed in one integer key.
        var order: [UInt64] = []
        order.reserveCapacity(pixelCount)
        for index in 0..<pixelCount where mask?[index] ?? true {
            precondition(!values[index].isNaN, "peaks: NaN at pixel \(index)")
            order.append((~FloodQueue.orderedBits(values[index]) & 0xFFFF_FFFF) << 32 | UInt64(index))
        }
        order.sort()
        var parent = [Int32](repeating: -1, count: pixelCount)  // -1: not visited yet
        var peakOf = [Int32](repeating: 0, count: pixelCount)  // per root: its peak pixel
        var rank = [Int32](repeating: 0, count: pixelCount)  // visiting order, to break ties
        var kept: [Int] = []
        func root(_ pixel: Int32) -> Int32 {
            var current = pixel
            while parent[Int(current)] != current { current = parent[Int(current)] }
            var walker = pixel
            while parent[Int(walker)] != current {
                let next = parent[Int(walker)]
                parent[Int(walker)] = current
                walker = next
            }
            return current
        }
        let offsets: [(Int, Int)] =
            connectivity == .eight
            ? [(-1, -1), (0, -1), (1, -1), (-1, 0), (1, 0), (-1, 1), (0, 1), (1, 1)]
            : [(0, -1), (-1, 0), (1, 0), (0, 1)]
        for (visit, key) in order.enumerated() {
            let pixel = Int(key & 0xFFFF_FFFF)
            let level = values[pixel]
            parent[pixel] = Int32(pixel)
            peakOf[pixel] = Int32(pixel)
            rank[pixel] = Int32(visit)
            let x = pixel % width, y = pixel / width
            for (dx, dy) in offsets {
                let neighbourX = x + dx, neighbourY = y + dy
                guard neighbourX >= 0 && neighbourX < width && neighbourY >= 0 && neighbourY < height else { continue }
                let neighbour = neighbourY * width + neighbourX
                guard parent[neighbour] >= 0 else { continue }
                let first = root(Int32(pixel)), second = root(Int32(neighbour))
                guard first != second else { continue }
                // The region whose peak was visited later (lower, or equal and later in raster
                // order) ends here.
                let firstPeak = peakOf[Int(first)], secondPeak = peakOf[Int(second)]
                let (survivor, ended) = rank[Int(firstPeak)] < rank[Int(secondPeak)] ? (first, second) : (second, first)
                let endedPeak = Int(peakOf[Int(ended)])
                let peakHeight = values[endedPeak]
                if peakHeight - level > max(minimumDynamic, relativeDynamic * peakHeight) { kept.append(endedPeak) }
                parent[Int(ended)] = survivor
            }
        }
        // Regions never absorbed keep their peak: each is the global maximum of its region.
        for key in order {
            let pixel = Int(key & 0xFFFF_FFFF)
            if parent[pixel] == Int32(pixel) { kept.append(Int(peakOf[pixel])) }
        }
        return kept.sorted()
    }
}
