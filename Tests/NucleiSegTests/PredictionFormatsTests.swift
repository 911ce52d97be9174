import Foundation
import NucleiSeg
import Testing

@Suite struct PredictionFormatsTests {
    @Test func allFormatsAreWrittenTogetherAndAgree() throws {
        let folder = TestResources.temporaryFolder("predict-formats")
        let width = 96, height = 64
        var generator = SeededGenerator(seed: 9)
        let samples = (0..<(width * height)).map { _ in UInt16(generator.nextInt(below: 256)) }
        let input = folder.appendingPathComponent("img.png")
        try PNGCodec.write(PixelImage(width: width, height: height, channels: 1, bitDepth: 8, samples: samples), to: input)
        let segmenter = Segmenter(model: UNet(seed: 2), normalization: .standard, mode: .crops, tileSize: 64, overlap: 16)
        var options = PredictionOptions()
        options.formats = Set(PredictionFormat.allCases)
        options.pixelSize = PixelSize(micrometres: 0.5)
        let out = folder.appendingPathComponent("out")
        let result = try PredictionWriter.predict(input, segmenter: segmenter, outputDirectory: out, options: options)
        #expect(result.files.map(\.lastPathComponent) == ["img_mask.png", "img_labels.png", "img_labels.tif", "img_nuclei.csv",
                                                          "img_rois.zip", "img_nuclei.geojson", "img_overlay.png"])
        #expect(result.pixelSize == PixelSize(micrometres: 0.5))
        let png = try ImageFile.read(out.appendingPathComponent("img_labels.png"))
        let tiffBytes = Array(try Data(contentsOf: out.appendingPathComponent("img_labels.tif")))
        #expect(try ImageFile.decode(tiffBytes, path: "img_labels.tif").samples == png.samples)
        #expect(try TIFFCodec.pixelSize(tiffBytes, path: "img_labels.tif") == PixelSize(micrometres: 0.5))
        let csv = try String(contentsOf: out.appendingPathComponent("img_nuclei.csv"), encoding: .utf8)
        #expect(csv.hasPrefix(NucleusMeasurements.csvHeader + ",area_um2,centroid_x_um,centroid_y_um\n"))
        let geojson = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("img_nuclei.geojson"))) as? [String: Any]
        #expect((geojson?["features"] as? [Any])?.count == result.nuclei)
    }

    @Test func tiffOnlyLeavesOutThePNGs() throws {
        let folder = TestResources.temporaryFolder("predict-tiff-only")
        let input = folder.appendingPathComponent("a.png")
        try PNGCodec.write(PixelImage(width: 64, height: 64, channels: 1, bitDepth: 8, samples: [UInt16](repeating: 7, count: 64 * 64)), to: input)
        var options = PredictionOptions()
        options.formats = [.tiff]
        options.writeOverlay = false
        let result = try PredictionWriter.predict(input, segmenter: Segmenter(model: UNet(seed: 2), normalization: .standard, mode: .resize),
                                                  outputDirectory: folder.appendingPathComponent("out"), options: options)
        #expect(result.files.map(\.lastPathComponent) == ["a_labels.tif", "a_nuclei.csv"])
        #expect(result.pixelSize == nil)
    }

    @Test func formatListParsing() {
        #expect(PredictionFormat.parseList("png,tiff").formats == [.png, .tiff])
        #expect(PredictionFormat.parseList("all").formats == Set(PredictionFormat.allCases))
        #expect(PredictionFormat.parseList("tif, rois").formats == [.tiff, .rois])
        #expect(PredictionFormat.parseList("png,jpeg").unknown == "jpeg")
        #expect(PredictionFormat.parseList("").formats == nil)
    }
}
