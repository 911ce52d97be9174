import Foundation
import NucleiSeg
import Testing

@Suite struct PredictionWriterTests {
    @Test func largeSixteenBitImageGivesAllOutputs() throws {
        let folder = TestResources.temporaryFolder("predict-large")
        let width = 1500, height = 1100
        var generator = SeededGenerator(seed: 4)
        let samples = (0..<(width * height)).map { _ in UInt16(200 + generator.nextInt(below: 3000)) }
        let input = folder.appendingPathComponent("big16.png")
        try PNGCodec.write(PixelImage(width: width, height: height, channels: 1, bitDepth: 16, samples: samples), to: input)
        let segmenter = Segmenter(model: UNet(seed: 2), normalization: .standard, mode: .crops, tileSize: 256)
        let result = try PredictionWriter.predict(input, segmenter: segmenter, outputDirectory: folder.appendingPathComponent("out"))
        #expect(result.files.map(\.lastPathComponent) == ["big16_mask.png", "big16_labels.png", "big16_nuclei.csv", "big16_overlay.png"])
        let labels = try ImageFile.read(folder.appendingPathComponent("out/big16_labels.png"))
        #expect(labels.width == width && labels.height == height && labels.bitDepth == 16)
        let mask = try ImageFile.read(folder.appendingPathComponent("out/big16_mask.png"))
        #expect(mask.bitDepth == 8 && Set(mask.samples).isSubset(of: [0, 255]))
        let csv = try String(contentsOf: folder.appendingPathComponent("out/big16_nuclei.csv"), encoding: .utf8)
        #expect(csv.hasPrefix(NucleusMeasurements.csvHeader + "\n"))
        #expect(csv.split(separator: "\n").count == result.nuclei + 1)
        let overlay = try ImageFile.read(folder.appendingPathComponent("out/big16_overlay.png"))
        #expect(overlay.channels == 3 && overlay.width == width)
    }

    @Test func corruptImageFailsWithItsNameAndWritesNothing() throws {
        let folder = TestResources.temporaryFolder("predict-corrupt")
        let input = folder.appendingPathComponent("broken.png")
        try Data("not a png at all".utf8).write(to: input)
        let output = folder.appendingPathComponent("out")
        let segmenter = Segmenter(model: UNet(seed: 2), normalization: .standard, mode: .resize)
        do {
            _ = try PredictionWriter.predict(input, segmenter: segmenter, outputDirectory: output)
            Issue.record("a text file was segmented")
        } catch let error as ImagingError {
            #expect(error.description.contains(input.path))
        }
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }
}
