import Foundation
import NucleiAnalysis
import NucleiBase
import Testing

@Suite struct InstanceExtractionTests {
    func extract(_ labels: [Int32], width: Int, height: Int, options: InstanceExtractionOptions = .init()) -> LabelImage {
        InstanceExtraction.extract(mask: labels.map { $0 != 0 }, width: width, height: height, options: options)
    }

    @Test(arguments: [3.0, 5.0, 10.0, 20.0, 40.0])
    func singleDiscStaysOneInstance(radius: Double) {
        let size = Int(2 * radius) + 10
        var labels = [Int32](repeating: 0, count: size * size)
        drawDisc(into: &labels, width: size, height: size, centerX: Double(size) / 2, centerY: Double(size) / 2 + 0.3, radius: radius, value: 1)
        #expect(extract(labels, width: size, height: size).instanceCount == 1)
    }

    @Test func discCutByTheImageEdgeStaysOneInstance() {
        // Centre one pixel outside the image: a little less than half a disc of radius 10.
        var labels = [Int32](repeating: 0, count: 30 * 30)
        drawDisc(into: &labels, width: 30, height: 30, centerX: -1, centerY: 15, radius: 10, value: 1)
        #expect(extract(labels, width: 30, height: 30).instanceCount == 1)
    }

    @Test(arguments: [(15.0, 6.0), (6.0, 15.0), (20.0, 7.0)])
    func elongatedEllipseStaysOneInstance(semiAxisX: Double, semiAxisY: Double) {
        // 30x12 (semi-axes 15 and 6), the same standing up, and a longer 40x14 one.
        var labels = [Int32](repeating: 0, count: 60 * 60)
        drawEllipse(into: &labels, width: 60, height: 60, centerX: 30, centerY: 30, semiAxisX: semiAxisX, semiAxisY: semiAxisY, value: 1)
        #expect(extract(labels, width: 60, height: 60).instanceCount == 1)
    }

    @Test func twoOverlappingDiscsSplitAtTheNeck() {
        // Radius 12, centres 20 apart: the neck is 2 * sqrt(12² - 10²) = 13.3 pixels wide, so
        // the distance peaks (12) rise about 5 pixels above the neck (6.6).
        let width = 60, height = 40
        var truth = [Int32](repeating: 0, count: width * height)
        drawDisc(into: &truth, width: width, height: height, centerX: 20, centerY: 20, radius: 12, value: 1)
        drawDisc(into: &truth, width: width, height: height, centerX: 40, centerY: 20, radius: 12, value: 2)
        // The truth splits the lens between the discs at x = 30 (pixels drawn later win, so
        // redraw the left disc's half of the lens).
        for y in 0..<height { for x in 0..<30 where truth[y * width + x] == 2 { truth[y * width + x] = 1 } }
        let instances = extract(truth, width: width, height: height)
        #expect(instances.instanceCount == 2)
        #expect(instances[x: 20, y: 20] == 1 && instances[x: 40, y: 20] == 2)
        // Each half matches its truth with IoU well above the strictest DSB threshold but one.
        let scores = InstanceMatching.evaluate(truth: LabelImage(width: width, height: height, labels: truth), prediction: instances)
        #expect(scores.countsPerThreshold[8].truePositives == 2)  // IoU > 0.90
    }

    /// Two discs of radius r with centres 1.6r apart rise 0.4r above their neck: the relative
    /// condition splits them at every size, where the absolute h = 2.5 misses the small pair.
    @Test(arguments: [5.0, 10.0, 20.0])
    func relativeMarkerDynamicSplitsTouchingPairsOfAnySize(radius: Double) {
        let width = Int(4.6 * radius) + 10, height = Int(2 * radius) + 10
        var labels = [Int32](repeating: 0, count: width * height)
        let left = 5 + radius, centreY = Double(height) / 2 + 0.3
        drawDisc(into: &labels, width: width, height: height, centerX: left, centerY: centreY, radius: radius, value: 1)
        drawDisc(into: &labels, width: width, height: height, centerX: left + 1.6 * radius, centerY: centreY, radius: radius, value: 1)
        let relative = InstanceExtractionOptions(minimumMarkerDynamic: 0.5, relativeMarkerDynamic: 0.2)
        #expect(extract(labels, width: width, height: height, options: relative).instanceCount == 2)
        if radius == 5 { #expect(extract(labels, width: width, height: height).instanceCount == 1) }
    }

    @Test(arguments: [5.0, 10.0, 20.0, 40.0])
    func relativeMarkerDynamicKeepsSingleDiscsAndEllipsesWhole(radius: Double) {
        let relative = InstanceExtractionOptions(minimumMarkerDynamic: 0.5, relativeMarkerDynamic: 0.2)
        let size = Int(2 * radius) + 10
        var disc = [Int32](repeating: 0, count: size * size)
        drawDisc(into: &disc, width: size, height: size, centerX: Double(size) / 2, centerY: Double(size) / 2 + 0.3, radius: radius, value: 1)
        #expect(extract(disc, width: size, height: size, options: relative).instanceCount == 1)
        var ellipse = [Int32](repeating: 0, count: 4 * size * size)
        drawEllipse(into: &ellipse, width: 2 * size, height: 2 * size, centerX: Double(size), centerY: Double(size),
                    semiAxisX: radius, semiAxisY: radius / 2.5, value: 1)
        #expect(extract(ellipse, width: 2 * size, height: 2 * size, options: relative).instanceCount == 1)
    }

    @Test func splittingCanBeTurnedOff() {
        var labels = [Int32](repeating: 0, count: 60 * 40)
        drawDisc(into: &labels, width: 60, height: 40, centerX: 20, centerY: 20, radius: 12, value: 1)
        drawDisc(into: &labels, width: 60, height: 40, centerX: 40, centerY: 20, radius: 12, value: 1)
        #expect(extract(labels, width: 60, height: 40, options: .init(splitTouching: false)).instanceCount == 1)
    }

    @Test func probabilityIsThresholdedStrictly() {
        // 0.5 is background, 0.51 foreground; the two foreground pixels are not neighbours.
        let probability: [Float] = [0.51, 0.5, 0.9, 0.1]
        let instances = InstanceExtraction.extract(probability: probability, width: 4, height: 1)
        #expect(instances.labels == [1, 0, 2, 0])
        let higher = InstanceExtraction.extract(probability: probability, width: 4, height: 1, options: .init(threshold: 0.6))
        #expect(higher.labels == [0, 0, 1, 0])
    }

    @Test func minimumAreaRemovesSmallObjectsAndLabelsFollowRasterOrder() {
        let drawn = mask([
            "...##",
            "#..##",
            "..###",
        ])
        let all = InstanceExtraction.extract(mask: drawn.mask, width: 5, height: 3)
        #expect(all == labelImage([
            "00011",
            "20011",
            "00111",
        ]))
        let large = InstanceExtraction.extract(mask: drawn.mask, width: 5, height: 3, options: .init(minimumArea: 2))
        #expect(large.labels == labelImage([
            "00011",
            "00011",
            "00111",
        ]).labels)
    }

    @Test func holesAreFilledOnRequest() {
        let drawn = mask(["###", "#.#", "###"])
        let options = InstanceExtractionOptions(fillHoles: true)
        #expect(InstanceExtraction.extract(mask: drawn.mask, width: 3, height: 3, options: options).labels == [Int32](repeating: 1, count: 9))
        #expect(InstanceExtraction.extract(mask: drawn.mask, width: 3, height: 3).labels[4] == 0)
    }

    @Test func largeImageWithAThousandNucleiIsCounted() {
        // 2048x2048, a 32x32 grid of cells of 64 pixels, each with a nucleus of radius 8...16;
        // every fourth cell holds a touching pair instead. 1024 cells, 1280 nuclei.
        let width = 2048, height = 2048
        var generator = SeededGenerator(seed: 2018)
        var labels = [Int32](repeating: 0, count: width * height)
        var pairs = 0
        for cellY in 0..<32 {
            for cellX in 0..<32 {
                let centerX = Double(cellX * 64 + 32) + Double.random(in: -4...4, using: &generator)
                let centerY = Double(cellY * 64 + 32) + Double.random(in: -4...4, using: &generator)
                if (cellX + cellY) % 4 == 0 {
                    pairs += 1
                    drawDisc(into: &labels, width: width, height: height, centerX: centerX - 9, centerY: centerY, radius: 11, value: 1)
                    drawDisc(into: &labels, width: width, height: height, centerX: centerX + 9, centerY: centerY, radius: 11, value: 1)
                } else {
                    let radius = Double.random(in: 8...16, using: &generator)
                    drawDisc(into: &labels, width: width, height: height, centerX: centerX, centerY: centerY, radius: radius, value: 1)
                }
            }
        }
        let mask = labels.map { $0 != 0 }
        // Speed is the benchmarks' job (0.13-0.15 s measured in release on the 2-core build
        // machine); a wall-clock bound here would fail on a busy machine and prove nothing.
        let instances = InstanceExtraction.extract(mask: mask, width: width, height: height)
        #expect(instances.instanceCount == 1024 + pairs)
    }
}

@Suite struct ContourInstanceExtractionTests {
    /// Two overlapping discs as one foreground blob, with an interior core in each.
    static func touchingPair(width: Int = 40, height: Int = 24) -> ProbabilityMaps {
        var foreground = [Float](repeating: 0.02, count: width * height)
        var interior = [Float](repeating: 0.01, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                let left = hypot(Double(x) - 13, Double(y) - 12), right = hypot(Double(x) - 26, Double(y) - 12)
                if min(left, right) <= 8 { foreground[y * width + x] = 0.95 }
                if min(left, right) <= 4 { interior[y * width + x] = 0.9 }
            }
        }
        return ProbabilityMaps(width: width, height: height, foreground: foreground, interior: interior)
    }

    @Test func interiorsSeedOneNucleusEachAndSplitOnTheBoundary() {
        let maps = Self.touchingPair()
        let labels = InstanceExtraction.extract(maps: maps, options: .init())
        #expect(labels.instanceCount == 2)
        // Every foreground pixel is labelled, and each goes to the nearer centre's nucleus
        // (the interior probability is the same, so the flood is breadth-first from each core).
        let left = labels.labels[12 * 40 + 13], right = labels.labels[12 * 40 + 26]
        #expect(left != right && left != 0 && right != 0)
        #expect(labels.labels[12 * 40 + 6] == left && labels.labels[12 * 40 + 33] == right)
        #expect(zip(labels.labels, maps.foreground).allSatisfy { ($0 != 0) == ($1 > 0.5) })
    }

    @Test func foregroundWithoutAnInteriorIsStillOneNucleus() {
        var maps = Self.touchingPair()
        // A small blob far right with no interior at all.
        for y in 2...4 { for x in 36...38 { maps.foreground[y * 40 + x] = 0.9 } }
        // And a 2-pixel interior speck (below minimumMarkerArea 4) inside the left disc.
        maps.interior![18 * 40 + 13] = 0.9
        maps.interior![18 * 40 + 14] = 0.9
        let labels = InstanceExtraction.extract(maps: maps, options: .init())
        #expect(labels.instanceCount == 3)
        #expect(labels.labels[3 * 40 + 37] != 0)
        #expect(labels.labels[18 * 40 + 13] == labels.labels[12 * 40 + 13])
    }

    @Test func withoutSplittingTheBlobStaysWhole() {
        let labels = InstanceExtraction.extract(maps: Self.touchingPair(), options: .init(splitTouching: false))
        #expect(labels.instanceCount == 1)
    }

    @Test func mapsWithoutInteriorFollowTheSeedPath() {
        let pair = Self.touchingPair()
        let maps = ProbabilityMaps(width: pair.width, height: pair.height, foreground: pair.foreground)
        #expect(InstanceExtraction.extract(maps: maps) == InstanceExtraction.extract(probability: pair.foreground, width: 40, height: 24))
    }

    @Test func interleavedChannelsRoundTrip() {
        let maps = ProbabilityMaps(width: 2, height: 1, foreground: [0.9, 0.2], interior: [0.5, 0.1])
        #expect(maps.interleaved == [0.9, 0.5, 0.2, 0.1])
        #expect(ProbabilityMaps(interleaved: maps.interleaved, channels: 2, width: 2, height: 1) == maps)
    }
}
