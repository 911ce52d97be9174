import NucleiImaging
import NucleiBase
import Testing

struct SegmentationHeadTests {
    /// Draws rectangles of labels into a `width` x `height` image.
    static func image(width: Int, height: Int, boxes: [(label: Int32, x: ClosedRange<Int>, y: ClosedRange<Int>)]) -> LabelImage {
        var labels = [Int32](repeating: 0, count: width * height)
        for box in boxes {
            for y in box.y { for x in box.x { labels[y * width + x] = box.label } }
        }
        return LabelImage(width: width, height: height, labels: labels)
    }

    @Test func touchingSquaresKeepOnlyTheirCentresAsInterior() {
        // Two 5x5 nuclei side by side in a 12x7 image: every pixel within 2 (chessboard) of the
        // background or of the other nucleus is boundary, leaving the centre of each.
        let labels = Self.image(width: 12, height: 7, boxes: [(1, 1...5, 1...5), (2, 6...10, 1...5)])
        let classes = ContourTargets.classes(of: labels)
        for y in 0..<7 {
            for x in 0..<12 {
                let expected: Int32 = labels.labels[y * 12 + x] == 0 ? 0 : ((x, y) == (3, 3) || (x, y) == (8, 3)) ? 1 : 2
                #expect(classes[y * 12 + x] == expected, "pixel \(x),\(y)")
            }
        }
    }

    @Test func largerNucleusHasATwoPixelBoundary() {
        // A 9x9 nucleus: the outer two rings are boundary, the inner 5x5 interior.
        let labels = Self.image(width: 11, height: 11, boxes: [(7, 1...9, 1...9)])
        let classes = ContourTargets.classes(of: labels)
        #expect(classes.filter { $0 == 1 }.count == 25)
        #expect(classes.filter { $0 == 2 }.count == 81 - 25)
        #expect(classes[5 * 11 + 5] == 1 && classes[3 * 11 + 3] == 1 && classes[2 * 11 + 2] == 2)
    }

    @Test func thinNucleiKeepAnInterior() {
        // 3x3: the boundary narrows to 1 px, the centre stays interior. 1x2: no boundary at all.
        let labels = Self.image(width: 9, height: 5, boxes: [(1, 1...3, 1...3), (2, 6...7, 2...2)])
        let classes = ContourTargets.classes(of: labels)
        #expect(classes[2 * 9 + 2] == 1)
        #expect([1, 3].allSatisfy { classes[1 * 9 + $0] == 2 && classes[3 * 9 + $0] == 2 })
        #expect(classes[2 * 9 + 6] == 1 && classes[2 * 9 + 7] == 1)
    }

    @Test func theImageEdgeIsNotABoundary() {
        // A nucleus filling a 4x4 crop: nothing of another label is in sight, so all interior.
        let labels = LabelImage(width: 4, height: 4, labels: [Int32](repeating: 5, count: 16))
        #expect(ContourTargets.classes(of: labels) == [Int32](repeating: 1, count: 16))
    }

    @Test func headsNameTheirClasses() {
        #expect(SegmentationHead(classNames: ["background", "nucleus"]) == .seed)
        #expect(SegmentationHead(classNames: ["background", "interior", "boundary"]) == .contour)
        #expect(SegmentationHead(classNames: ["background", "cell"]) == nil)
        #expect(SegmentationHead.contour.classCount == 3 && SegmentationHead.seed.defaultClassWeights == [1, 1])
    }

    @Test func batchEncodesTheHeadsClassesPerImage() {
        let first = Self.image(width: 7, height: 7, boxes: [(1, 1...5, 1...5)])
        let second = Self.image(width: 7, height: 7, boxes: [(3, 0...2, 0...6)])
        let samples = [first, second].enumerated().map { index, labels in
            PreparedSample(key: "s\(index)", image: FloatImage(width: 7, height: 7, channels: 3, samples: [Float](repeating: 0, count: 147)),
                           labels: labels)
        }
        var generator = SeededGenerator(seed: 0)
        var batch = Batch(samples, indices: [0, 1], using: &generator)
        #expect(batch.classes == first.foreground + second.foreground)
        batch.encodeClasses(for: .contour)
        #expect(batch.classes == ContourTargets.classes(of: first) + ContourTargets.classes(of: second))
    }
}
