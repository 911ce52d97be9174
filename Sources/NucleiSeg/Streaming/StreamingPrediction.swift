import Foundation

/// Instance segmentation of an image of any size in bounded memory: block by block, with labels
/// stitched across block borders so that every nucleus gets one label.
///
/// The image is read a block at a time (`ImageRegionSource`; a TIFF by tiles or strips), each
/// block's core with `margin` pixels of context on every side. Per block:
/// 1. the network's maps of the block and its margins (tiled as `Segmenter` does, intensities
///    normalised with the whole image's range, from a first pass that only counts a histogram);
/// 2. instances extracted from those maps, as for a whole image;
/// 3. **ownership**: an instance is painted by the block whose core holds its centroid. Blocks run
///    in raster order and paint into a shared band of labels; an instance whose centroid falls in
///    an earlier block's core is painted too, unless that block already did (recovering a
///    nucleus whose centroid the two blocks placed on different sides of their border). An
///    instance more than half of whose pixels are painted already is the same nucleus seen by a
///    neighbour and is dropped; otherwise it takes the pixels still free (when they are at least
///    `minimumArea`). A later block's
///    instances are left to it. So a nucleus cut by a block border gets exactly one label, seen
///    whole as long as it is smaller than the margin.
/// Rows that no later block can reach (above the next block row's margin) leave the band as
/// tile-high strips of labels (`emit`); per-nucleus measurements accumulate as pixels are
/// painted, so they describe the final, stitched labels.
///
/// Differences from predicting the whole image at once come from the network's tiles sitting
/// at other places (probabilities differ by small amounts everywhere) and from the block edge's
/// mirror padding within a tile of it; measured by `StreamingPredictionTests`.
public struct StreamingPrediction {
    public var options: StreamingOptions
    public var instances: InstanceExtractionOptions

    public init(options: StreamingOptions = .init(), instances: InstanceExtractionOptions = .nuclei) {
        self.options = options
        self.instances = instances
    }

    /// What a run found.
    public struct Outcome: Sendable {
        /// One per label, labels 1...count in order, in image coordinates (perimeter not measured: 0).
        public var measurements: [NucleusMeasurement]
        public var blocks: Int
        /// The intensities that mapped to 0 and 1.
        public var range: (low: Double, high: Double)
    }

    /// Progress after each block: (blocks done, blocks in all, nuclei so far).
    public typealias Progress = (Int, Int, Int) -> Void

    /// Predicts `source` block by block and hands the labels over as they are final.
    /// - Parameters:
    ///   - emit: receives (first row, row count, labels) for consecutive strips of full-width
    ///     rows, top to bottom, `StreamingOptions.labelTileSize` rows each (the last may be shorter).
    ///   - path: names the image in errors.
    /// - Throws: `StreamingError` (options, a whole-image model or `--diameter auto`), the
    ///   source's read errors, and whatever `emit` throws.
    public func run(source: ImageRegionSource, segmenter: Segmenter, path: String,
                    emit: (Int, Int, ArraySlice<UInt32>) throws -> Void, progress: Progress = { _, _, _ in }) throws -> Outcome {
        if let problem = options.problem { throw problem }
        guard segmenter.mode == .crops else { throw StreamingError.needsTiledModel(path: path) }
        if segmenter.diameter == .auto { throw StreamingError.autoDiameter(path: path) }
        let width = source.width, height = source.height
        let block = options.blockSize, margin = options.margin
        let range = try intensityRange(of: source, normalization: segmenter.normalization)
        let across = (width + block - 1) / block, down = (height + block - 1) / block
        var band = LabelBand(width: width, imageHeight: height, tileSize: StreamingOptions.labelTileSize)
        var tally = NucleusTally()
        for blockRow in 0..<down {
            let coreTop = blockRow * block
            let regionTop = max(0, coreTop - margin), regionBottom = min(height, coreTop + block + margin)
            band.extend(through: regionBottom)
            for blockColumn in 0..<across {
                let coreLeft = blockColumn * block
                let regionLeft = max(0, coreLeft - margin), regionRight = min(width, coreLeft + block + margin)
                let region = try source.read(x: regionLeft, y: regionTop, width: regionRight - regionLeft, height: regionBottom - regionTop)
                let maps = segmenter.streamingMaps(of: region, range: range)
                let labels = InstanceExtraction.extract(maps: maps, options: instances)
                paint(labels, region: region, left: regionLeft, top: regionTop, blockOrder: blockRow * across + blockColumn,
                      blocksAcross: across, band: &band, tally: &tally)
                progress(blockRow * across + blockColumn + 1, across * down, tally.count)
            }
            // The next block row reaches up to its margin: everything above is final.
            try band.release(below: blockRow + 1 < down ? coreTop + block - margin : height, emit: emit)
        }
        return Outcome(measurements: tally.measurements, blocks: across * down, range: range)
    }

    /// The whole image's intensity range, from a histogram counted strip by strip (skipped when
    /// the rule needs none).
    func intensityRange(of source: ImageRegionSource, normalization: NormalizationSpec) throws -> (low: Double, high: Double) {
        guard case .percentiles = normalization.rule(forBitDepth: source.bitDepth) else {
            return normalization.intensityRange(histogram: [], bitDepth: source.bitDepth)
        }
        var histogram = [Int](repeating: 0, count: 65536)
        let strip = 256
        for top in stride(from: 0, to: source.height, by: strip) {
            let rows = try source.read(x: 0, y: top, width: source.width, height: min(strip, source.height - top))
            let channels = rows.channels, colours = rows.colorChannels
            rows.samples.withUnsafeBufferPointer { samples in
                for pixel in 0..<(rows.width * rows.height) {
                    for c in 0..<colours { histogram[Int(samples[pixel * channels + c])] += 1 }
                }
            }
        }
        return normalization.intensityRange(histogram: histogram, bitDepth: source.bitDepth)
    }

    /// Step 3 of the type's description for one block's instances (`labels`, whose top-left
    /// pixel is image pixel (left, top)).
    private func paint(_ labels: LabelImage, region: PixelImage, left: Int, top: Int, blockOrder: Int, blocksAcross: Int,
                       band: inout LabelBand, tally: inout NucleusTally) {
        let count = Int(labels.maximumLabel)
        guard count > 0 else { return }
        let width = labels.width, height = labels.height, block = options.blockSize
        var area = [Int](repeating: 0, count: count + 1), sumX = area, sumY = area, taken = area
        labels.labels.withUnsafeBufferPointer { pixels in
            for y in 0..<height {
                for x in 0..<width {
                    let label = Int(pixels[y * width + x])
                    guard label > 0 else { continue }
                    area[label] += 1
                    sumX[label] += x
                    sumY[label] += y
                    if band.labels[band.index(x: left + x, y: top + y)] != 0 { taken[label] += 1 }
                }
            }
        }
        var global = [UInt32](repeating: 0, count: count + 1)
        for label in 1...count where area[label] > 0 {
            let centroidX = left + sumX[label] / area[label], centroidY = top + sumY[label] / area[label]
            let owner = (centroidY / block) * blocksAcross + centroidX / block
            // A remainder smaller than `minimumArea` would be a speck beside a neighbour's nucleus.
            guard owner <= blockOrder, taken[label] * 2 <= area[label], area[label] - taken[label] >= max(instances.minimumArea, 1) else { continue }
            global[label] = tally.newLabel()
        }
        let channels = region.channels
        labels.labels.withUnsafeBufferPointer { pixels in
            for y in 0..<height {
                for x in 0..<width {
                    let label = Int(pixels[y * width + x])
                    guard label > 0, global[label] != 0 else { continue }
                    let index = band.index(x: left + x, y: top + y)
                    guard band.labels[index] == 0 else { continue }
                    band.paint(index, label: global[label])
                    tally.add(global[label], x: left + x, y: top + y, intensity: Double(region.samples[(y * width + x) * channels]))
                }
            }
        }
    }
}

/// Per-nucleus sums of the painted pixels, indexed by global label - 1.
struct NucleusTally {
    private var area: [Int] = []
    private var sumX: [Int] = [], sumY: [Int] = []
    private var minimumX: [Int] = [], minimumY: [Int] = [], maximumX: [Int] = [], maximumY: [Int] = []
    private var sumIntensity: [Double] = []

    var count: Int { area.count }

    mutating func newLabel() -> UInt32 {
        area.append(0)
        sumX.append(0)
        sumY.append(0)
        minimumX.append(.max)
        minimumY.append(.max)
        maximumX.append(.min)
        maximumY.append(.min)
        sumIntensity.append(0)
        return UInt32(area.count)
    }

    @inline(__always) mutating func add(_ label: UInt32, x: Int, y: Int, intensity: Double) {
        let i = Int(label) - 1
        area[i] += 1
        sumX[i] += x
        sumY[i] += y
        minimumX[i] = min(minimumX[i], x)
        maximumX[i] = max(maximumX[i], x)
        minimumY[i] = min(minimumY[i], y)
        maximumY[i] = max(maximumY[i], y)
        sumIntensity[i] += intensity
    }

    var measurements: [NucleusMeasurement] {
        area.indices.map { i in
            let pixels = Double(area[i])
            return NucleusMeasurement(
                label: Int32(i + 1), area: area[i], centroidX: Double(sumX[i]) / pixels, centroidY: Double(sumY[i]) / pixels,
                boundingBox: BoundingBox(x: minimumX[i], y: minimumY[i], width: maximumX[i] - minimumX[i] + 1, height: maximumY[i] - minimumY[i] + 1),
                meanIntensity: sumIntensity[i] / pixels, perimeter: 0)
        }
    }
}

extension Segmenter {
    /// The maps of one block of a streamed image, normalised with the whole image's `range`
    /// and scaled as `diameter` asks (a size in pixels; `auto` is refused before streaming).
    func streamingMaps(of block: PixelImage, range: (low: Double, high: Double)) -> ProbabilityMaps {
        if case let .pixels(size) = diameter, let model = modelDiameter {
            let factor = NucleusScale.factor(model: model, image: size, width: block.width, height: block.height)
            return maps(of: block, scaledBy: abs(factor - 1) < 1e-3 ? 1 : factor, range: range)
        }
        return maps(of: block, scaledBy: 1, range: range)
    }
}
