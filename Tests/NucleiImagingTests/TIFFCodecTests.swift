import NucleiImaging
import Testing

struct TIFFCodecTests {
    @Test(arguments: [8, 16])
    func decodesSinglePlaneGray(bitDepth: Int) throws {
        let values = bitDepth == 8 ? [0, 1, 127, 255, 3, 9] : [0, 1, 4096, 65535, 300, 9]
        let tiff = RawTIFF.make(width: 3, height: 2, bitDepth: bitDepth, pages: [values])
        let image = try ImageFile.decode(tiff, path: "gray.tif")
        #expect(image.width == 3 && image.height == 2 && image.channels == 1 && image.bitDepth == bitDepth)
        #expect(image.samples == values.map { UInt16($0) })
    }

    @Test func decodesRGB() throws {
        let tiff = RawTIFF.make(width: 2, height: 1, bitDepth: 8, samplesPerPixel: 3, photometric: 2, pages: [[1, 2, 3, 4, 5, 6]])
        let image = try ImageFile.decode(tiff, path: "rgb.tif")
        #expect(image.channels == 3 && image.samples == [1, 2, 3, 4, 5, 6])
    }

    @Test func invertsMinIsWhite() throws {
        let tiff = RawTIFF.make(width: 2, height: 1, bitDepth: 8, photometric: 0, pages: [[0, 200]])
        #expect(try ImageFile.decode(tiff, path: "white.tif").samples == [255, 55])
    }

    @Test func multiPageNeedsAChannelChoiceAndNamesTheShape() throws {
        let tiff = RawTIFF.make(width: 2, height: 2, bitDepth: 16, pages: [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]])
        let error = #expect(throws: ImagingError.self) { try ImageFile.decode(tiff, path: "stack.tif") }
        let message = error?.description ?? ""
        #expect(message.contains("stack.tif") && message.contains("3 pages") && message.contains("2x2") && message.contains("--channel"))
        #expect(try ImageFile.decode(tiff, path: "stack.tif", channel: 1).samples == [5, 6, 7, 8])
        #expect(throws: ImagingError.self) { try ImageFile.decode(tiff, path: "stack.tif", channel: 3) }
    }

    @Test func multiSampleNeedsAChannelChoice() throws {
        let tiff = RawTIFF.make(width: 2, height: 1, bitDepth: 8, samplesPerPixel: 2, photometric: 1, pages: [[1, 2, 3, 4]])
        let error = #expect(throws: ImagingError.self) { try ImageFile.decode(tiff, path: "two.tif") }
        #expect(error?.description.contains("2 samples per pixel") == true)
        #expect(try ImageFile.decode(tiff, path: "two.tif", channel: 1).samples == [2, 4])
    }

    @Test func truncatedTIFFIsAnErrorNamingTheFile() {
        let tiff = RawTIFF.make(width: 4, height: 4, bitDepth: 8, pages: [Array(0..<16)])
        let error = #expect(throws: ImagingError.self) { try ImageFile.decode(Array(tiff.prefix(12)), path: "cut.tif") }
        #expect(error?.description.hasPrefix("cut.tif:") == true)
    }

    @Test func hugeTIFFHeaderIsRefusedBeforeAllocating() {
        let tiff = RawTIFF.make(width: 60000, height: 60000, bitDepth: 8, pages: [[0]])
        let error = #expect(throws: ImagingError.self) { try ImageFile.decode(tiff, path: "huge.tif") }
        guard case .imageTooLarge(let path, 60000, 60000, _) = error else {
            Issue.record("expected imageTooLarge, got \(String(describing: error))")
            return
        }
        #expect(path == "huge.tif")
    }
}
