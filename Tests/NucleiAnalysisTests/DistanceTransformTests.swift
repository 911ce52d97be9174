import NucleiAnalysis
import NucleiBase
import Testing

@Suite struct DistanceTransformTests {
    /// Squared distance to the nearest background pixel of the mask surrounded by a ring of
    /// background (the outside of the image), by trying every pixel of the padded image.
    func bruteForce(_ mask: [Bool], width: Int, height: Int) -> [Int32] {
        (0..<(width * height)).map { index in
            guard mask[index] else { return 0 }
            let x = index % width, y = index / width
            var best = Int.max
            for otherY in -1...height {
                for otherX in -1...width {
                    let inside = otherX >= 0 && otherX < width && otherY >= 0 && otherY < height
                    if inside && mask[otherY * width + otherX] { continue }
                    best = min(best, (otherX - x) * (otherX - x) + (otherY - y) * (otherY - y))
                }
            }
            return Int32(best)
        }
    }

    @Test(arguments: [1, 2, 3, 4, 5])
    func matchesBruteForceOnRandomMasks(seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        for _ in 0..<20 {
            let width = Int.random(in: 1...14, using: &generator)
            let height = Int.random(in: 1...14, using: &generator)
            let density = Double.random(in: 0.3...0.95, using: &generator)
            let mask = (0..<(width * height)).map { _ in Double.random(in: 0..<1, using: &generator) < density }
            let fast = DistanceTransform.squaredEuclidean(mask, width: width, height: height)
            #expect(fast == bruteForce(mask, width: width, height: height), "\(width)x\(height)")
        }
    }

    @Test func fullImageCountsTheOutsideAsBackground() {
        // 3x3 all foreground: the centre is 2 from the outside (squared 4), the ring 1.
        let squared = DistanceTransform.squaredEuclidean([Bool](repeating: true, count: 9), width: 3, height: 3)
        #expect(squared == [1, 1, 1, 1, 4, 1, 1, 1, 1])
    }

    @Test func singleBackgroundPixelInLargeForeground() {
        // 7x7 foreground but for (2, 3). Along row 3 the nearest background is that pixel or the
        // outside: min(x + 1, |x - 2|, 7 - x) = 1 1 0 1 2 2 1 (the outside above and below is 4 away).
        var mask = [Bool](repeating: true, count: 49)
        mask[3 * 7 + 2] = false
        let row = Array(DistanceTransform.euclidean(mask, width: 7, height: 7)[21..<28])
        #expect(row == [1, 1, 0, 1, 2, 2, 1])
    }

    @Test func singleRowIsOneFromTheOutsideEverywhere() {
        #expect(DistanceTransform.euclidean([Bool](repeating: true, count: 5), width: 5, height: 1) == [1, 1, 1, 1, 1])
    }

    @Test func euclideanIsTheRootOfTheSquaredDistance() {
        // A 5x5 block: centre squared distance 9 (3 to the outside), diagonal neighbour of the
        // centre 4.
        let distance = DistanceTransform.euclidean([Bool](repeating: true, count: 25), width: 5, height: 5)
        #expect(distance[12] == 3)
        #expect(distance[6] == 2)
    }
}
