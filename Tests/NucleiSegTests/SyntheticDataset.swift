import Foundation
import NucleiSeg

/// A small generated dataset in the `labels` layout: dark images with bright discs ("nuclei")
/// and matching 16-bit instance masks.
enum SyntheticDataset {
    /// Writes `ROOT/{train,val,test}/{images,masks}/NAME.png` and returns ROOT.
    static func make(name: String, size: Int = 80, counts: [String: Int] = ["train": 6, "val": 2, "test": 2], bitDepth: Int = 8, seed: UInt64 = 1) throws -> URL {
        let root = TestResources.temporaryFolder(name)
        var generator = SeededGenerator(seed: seed)
        for (split, count) in counts.sorted(by: { $0.key < $1.key }) {
            for folder in ["images", "masks"] {
                try FileManager.default.createDirectory(at: root.appendingPathComponent("\(split)/\(folder)"), withIntermediateDirectories: true)
            }
            for index in 0..<count {
                let (image, labels) = sample(size: size, bitDepth: bitDepth, generator: &generator)
                let fileName = "img\(index).png"
                try PNGCodec.write(image, to: root.appendingPathComponent("\(split)/images/\(fileName)"))
                try PNGCodec.write(labels.pixelImage16(), to: root.appendingPathComponent("\(split)/masks/\(fileName)"))
            }
        }
        return root
    }

    /// One image with 3-6 non-overlapping discs of radius 5-9 on a noisy background.
    static func sample(size: Int, bitDepth: Int, generator: inout SeededGenerator) -> (PixelImage, LabelImage) {
        var labels = [Int32](repeating: 0, count: size * size)
        var centres: [(Int, Int, Int)] = []
        let wanted = 3 + generator.nextInt(below: 4)
        var attempts = 0
        while centres.count < wanted && attempts < 200 {
            attempts += 1
            let radius = 5 + generator.nextInt(below: 5)
            let x = radius + generator.nextInt(below: size - 2 * radius), y = radius + generator.nextInt(below: size - 2 * radius)
            if centres.contains(where: { ($0.0 - x) * ($0.0 - x) + ($0.1 - y) * ($0.1 - y) < ($0.2 + radius + 2) * ($0.2 + radius + 2) }) { continue }
            centres.append((x, y, radius))
        }
        let maximum = bitDepth == 8 ? 255.0 : 4000.0
        var samples = [UInt16](repeating: 0, count: size * size)
        for y in 0..<size {
            for x in 0..<size {
                var value = 0.1 + 0.05 * Double(generator.nextUnitFloat())
                for (label, centre) in centres.enumerated() where (centre.0 - x) * (centre.0 - x) + (centre.1 - y) * (centre.1 - y) <= centre.2 * centre.2 {
                    labels[y * size + x] = Int32(label + 1)
                    value = 0.7 + 0.2 * Double(generator.nextUnitFloat())
                }
                samples[y * size + x] = UInt16(value * maximum)
            }
        }
        return (PixelImage(width: size, height: size, channels: 1, bitDepth: bitDepth, samples: samples),
                LabelImage(width: size, height: size, labels: labels))
    }
}
