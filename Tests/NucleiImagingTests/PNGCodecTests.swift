import NucleiImaging
import NucleiBase
import Testing

struct PNGCodecTests {
    @Test func decodesEightBitGray() throws {
        let image = try PNGCodec.decode(Fixtures.grayPNG(width: 4, height: 3), path: "gray.png")
        #expect(image.width == 4 && image.height == 3 && image.channels == 1 && image.bitDepth == 8)
        #expect(image.samples == (0..<12).map { UInt16($0) })
    }

    @Test func decodesSixteenBitGrayInNativeOrder() throws {
        let values = [0, 1, 256, 65535, 4660, 43981]
        let png = RawPNG.make(width: 3, height: 2, bitDepth: 16, colorType: RawPNG.gray, samples: values)
        let image = try PNGCodec.decode(png, path: "gray16.png")
        #expect(image.bitDepth == 16 && image.channels == 1)
        #expect(image.samples == values.map { UInt16($0) })
    }

    @Test func decodesGrayAlpha() throws {
        let png = RawPNG.make(width: 2, height: 1, bitDepth: 8, colorType: RawPNG.grayAlpha, samples: [10, 255, 20, 0])
        let image = try PNGCodec.decode(png, path: "ga.png")
        #expect(image.channels == 2 && image.hasAlpha)
        #expect(image.samples == [10, 255, 20, 0])
    }

    @Test func decodesRGBAndRGBA() throws {
        let rgb = try PNGCodec.decode(RawPNG.make(width: 1, height: 2, bitDepth: 8, colorType: RawPNG.rgb,
                                                  samples: [1, 2, 3, 4, 5, 6]), path: "rgb.png")
        #expect(rgb.channels == 3 && rgb.samples == [1, 2, 3, 4, 5, 6])
        let rgba = try PNGCodec.decode(RawPNG.make(width: 1, height: 1, bitDepth: 8, colorType: RawPNG.rgba,
                                                   samples: [7, 8, 9, 255]), path: "rgba.png")
        #expect(rgba.channels == 4 && rgba.samples == [7, 8, 9, 255])
    }

    @Test func decodesSixteenBitRGB() throws {
        let png = RawPNG.make(width: 1, height: 1, bitDepth: 16, colorType: RawPNG.rgb, samples: [1000, 30000, 65535])
        let image = try PNGCodec.decode(png, path: "rgb16.png")
        #expect(image.channels == 3 && image.bitDepth == 16 && image.samples == [1000, 30000, 65535])
    }

    @Test func expandsPaletteToRGB() throws {
        let palette: [UInt8] = [255, 0, 0, 0, 255, 0, 0, 0, 255]
        let png = RawPNG.make(width: 3, height: 1, bitDepth: 8, colorType: RawPNG.palette, samples: [2, 0, 1], palette: palette)
        let image = try PNGCodec.decode(png, path: "palette.png")
        #expect(image.channels == 3)
        #expect(image.samples == [0, 0, 255, 255, 0, 0, 0, 255, 0])
    }

    @Test func expandsPaletteWithTransparencyToRGBA() throws {
        let png = RawPNG.make(width: 2, height: 1, bitDepth: 8, colorType: RawPNG.palette, samples: [0, 1],
                              palette: [10, 20, 30, 40, 50, 60], transparency: [0])
        let image = try PNGCodec.decode(png, path: "palette-trns.png")
        #expect(image.channels == 4)
        #expect(image.samples == [10, 20, 30, 0, 40, 50, 60, 255])
    }

    @Test func expandsOneBitGrayToEightBit() throws {
        // 1-bit row 0b1010_0000 -> 4 pixels 1, 0, 1, 0, scaled by libpng to 255, 0, 255, 0.
        let png = RawPNG.make(width: 4, height: 1, bitDepth: 1, colorType: RawPNG.gray, samples: [0b1010_0000])
        let image = try PNGCodec.decode(png, path: "bits.png")
        #expect(image.bitDepth == 8 && image.samples == [255, 0, 255, 0])
    }

    @Test func decodesOneByOne() throws {
        let image = try PNGCodec.decode(RawPNG.make(width: 1, height: 1, bitDepth: 8, colorType: RawPNG.gray, samples: [42]), path: "1x1.png")
        #expect(image.width == 1 && image.height == 1 && image.samples == [42])
    }

    @Test(arguments: [(1, 8), (3, 8), (4, 8), (2, 8), (1, 16)])
    func encodesAndDecodesExactly(channels: Int, bitDepth: Int) throws {
        var generator = SeededGenerator(seed: 7)
        let maximum = bitDepth == 8 ? 256 : 65536
        let samples = (0..<(5 * 3 * channels)).map { _ in UInt16(generator.nextInt(below: maximum)) }
        let image = PixelImage(width: 5, height: 3, channels: channels, bitDepth: bitDepth, samples: samples)
        let decoded = try PNGCodec.decode(PNGCodec.encode(image), path: "roundtrip.png")
        #expect(decoded == image)
    }

    @Test func encodedSixteenBitGrayIsBigEndianOnDisk() throws {
        let image = PixelImage(width: 1, height: 1, channels: 1, bitDepth: 16, samples: [0x1234])
        let png = try PNGCodec.encode(image)
        #expect(png[24] == 16 && png[25] == 0)  // IHDR bit depth 16, colour type gray
        #expect(try ImageFile.decode(png, path: "x.png").samples == [0x1234])
    }

    @Test func refusesSixteenBitColourEncoding() {
        let image = PixelImage(width: 1, height: 1, channels: 3, bitDepth: 16, samples: [1, 2, 3])
        #expect(throws: ImagingError.self) { try PNGCodec.encode(image, path: "out.png") }
    }

    @Test func writesLabelImagesAsSixteenBitPNG() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let labels = LabelImage(width: 2, height: 2, labels: [0, 300, 65535, 1])
        let file = folder.url.appendingPathComponent("labels.png")
        try PNGCodec.write(labels.pixelImage16(), to: file)
        let back = try LabelImage(mask: ImageFile.read(file), path: file.path)
        #expect(back == labels)
    }
}
