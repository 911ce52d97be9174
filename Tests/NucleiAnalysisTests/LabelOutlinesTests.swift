import NucleiAnalysis
import Testing

private func points(_ pairs: [(Int, Int)]) -> [GridPoint] { pairs.map { GridPoint(x: $0.0, y: $0.1) } }

@Suite struct LabelOutlinesTests {
    @Test func singlePixelIsTheUnitSquareAnticlockwiseInXY() {
        let outlines = LabelOutlines.trace(labelImage(["...", ".1.", "..."]))
        #expect(outlines.count == 1)
        #expect(outlines[0].label == 1)
        #expect(outlines[0].polygons == [OutlinePolygon(exterior: points([(1, 1), (2, 1), (2, 2), (1, 2)]), holes: [], area: 1)])
        #expect(LabelOutlines.signedArea(outlines[0].polygons[0].exterior) == 1)
    }

    @Test func lShapeKeepsOnlyItsSixCorners() {
        let outline = LabelOutlines.trace(labelImage(["11", "1."]))[0]
        #expect(outline.polygons[0].exterior == points([(0, 0), (2, 0), (2, 1), (1, 1), (1, 2), (0, 2)]))
        #expect(LabelOutlines.signedArea(outline.polygons[0].exterior) == 3)
        #expect(outline.area == 3)
    }

    @Test func ringHasAClockwiseHole() {
        let polygon = LabelOutlines.trace(labelImage(["111", "1.1", "111"]))[0].polygons[0]
        #expect(polygon.exterior == points([(0, 0), (3, 0), (3, 3), (0, 3)]))
        #expect(polygon.holes == [points([(2, 1), (1, 1), (1, 2), (2, 2)])])
        #expect(LabelOutlines.signedArea(polygon.holes[0]) == -1)
        #expect(polygon.area == 8)
    }

    @Test func cornerContactInsideOnePieceSplitsHoleFromExterior() {
        // (2,1) and (1,2) meet only at corner (2,2): the hole (1,1) and the notch (2,2) are
        // different outside regions, so the exterior and the hole are two rings touching there.
        let polygon = LabelOutlines.trace(labelImage(["111", "1.1", "11."]))[0].polygons[0]
        #expect(polygon.exterior == points([(0, 0), (3, 0), (3, 2), (2, 2), (2, 3), (0, 3)]))
        #expect(polygon.holes == [points([(2, 1), (1, 1), (1, 2), (2, 2)])])
        #expect(LabelOutlines.signedArea(polygon.exterior) + LabelOutlines.signedArea(polygon.holes[0]) == 7)
        #expect(polygon.area == 7)
    }

    @Test func diagonalPixelsOfOneLabelAreTwoPiecesLargestFirst() {
        let outline = LabelOutlines.trace(labelImage(["1..", ".11"]))[0]
        #expect(outline.polygons.map(\.area) == [2, 1])
        #expect(outline.polygons[0].exterior == points([(1, 1), (3, 1), (3, 2), (1, 2)]))
        #expect(outline.polygons[1].exterior == points([(0, 0), (1, 0), (1, 1), (0, 1)]))
    }

    @Test func touchingLabelsShareTheirCommonEdge() {
        let outlines = LabelOutlines.trace(labelImage(["12", "12"]))
        #expect(outlines.map(\.label) == [1, 2])
        #expect(outlines[0].polygons[0].exterior == points([(0, 0), (1, 0), (1, 2), (0, 2)]))
        #expect(outlines[1].polygons[0].exterior == points([(1, 0), (2, 0), (2, 2), (1, 2)]))
    }

    @Test func ringAreasEqualPixelCountsOnDiscs() {
        var labels = [Int32](repeating: 0, count: 64 * 48)
        drawDisc(into: &labels, width: 64, height: 48, centerX: 20, centerY: 20, radius: 9.3, value: 3)
        drawDisc(into: &labels, width: 64, height: 48, centerX: 40, centerY: 30, radius: 12.6, value: 5)
        drawDisc(into: &labels, width: 64, height: 48, centerX: 40, centerY: 30, radius: 3.2, value: 0)
        let image = LabelImage(width: 64, height: 48, labels: labels)
        let outlines = LabelOutlines.trace(image)
        #expect(outlines.map(\.label) == [3, 5])
        for outline in outlines {
            let pixels = labels.filter { $0 == outline.label }.count
            let rings = outline.polygons.flatMap { [$0.exterior] + $0.holes }
            #expect(rings.map(LabelOutlines.signedArea).reduce(0, +) == pixels)
            #expect(outline.area == pixels)
        }
        #expect(outlines[1].polygons[0].holes.count == 1)
    }
}

@Suite struct ImageJRoiTests {
    @Test func singlePixelPolygonBytes() throws {
        let bytes = try ImageJRoi.polygon(points([(1, 1), (2, 1), (2, 2), (1, 2)]), name: "0001")
        var expected: [UInt8] = Array("Iout".utf8) + [0x00, 0xE4, 0, 0]
        expected += [0, 1, 0, 1, 0, 2, 0, 2]  // top, left, bottom, right
        expected += [0, 4]  // 4 vertices
        expected += [UInt8](repeating: 0, count: 42)
        expected += [0, 0, 0, 80]  // header 2 at 64 + 4 * 4
        expected += [0, 0, 0, 1, 0, 1, 0, 0]  // x relative to left
        expected += [0, 0, 0, 0, 0, 1, 0, 1]  // y relative to top
        var header2 = [UInt8](repeating: 0, count: 64)
        header2[19] = 144  // name offset 80 + 64
        header2[23] = 4  // name length in UTF-16 units
        expected += header2
        expected += [0, 0x30, 0, 0x30, 0, 0x30, 0, 0x31]
        #expect(bytes == expected)
    }

    @Test func refusesCoordinatesBeyondSixteenBits() {
        #expect(throws: ImageJRoi.Failure.coordinateTooLarge(32_768)) {
            try ImageJRoi.polygon(points([(0, 0), (32_768, 0), (32_768, 1), (0, 1)]), name: "x")
        }
    }

    @Test func zipNamesRoisByZeroPaddedLabel() throws {
        let outlines = LabelOutlines.trace(labelImage(["1.", ".7"]))
        let zip = try ImageJRoi.zip(outlines)
        let text = String(decoding: zip, as: UTF8.self)
        #expect(text.contains("0001.roi") && text.contains("0007.roi"))
        #expect(Array(zip.suffix(22))[10] == 2)  // end record: 2 entries
    }
}

@Suite struct NucleusGeoJSONTests {
    @Test func singlePixelFeature() {
        let image = labelImage(["..", ".2"])
        let outlines = LabelOutlines.trace(image)
        let measurements = NucleusMeasurements.measure(image, intensity: [0, 0, 0, 10])
        let text = NucleusGeoJSON.featureCollection(outlines, measurements: measurements, pixelSize: PixelSize(micrometres: 0.5))
        #expect(text == """
            {"type":"FeatureCollection","features":[
            {"type":"Feature","id":"nucleus-2","geometry":{"type":"Polygon","coordinates":[[[1,1],[2,1],[2,2],[1,2],[1,1]]]},\
            "properties":{"objectType":"detection","name":"2","label":2,"measurements":{"Area px^2":1,"Centroid X px":1.500,\
            "Centroid Y px":1.500,"Perimeter px":4,"Mean intensity":10.0000,"Area µm^2":0.25,"Centroid X µm":0.75,\
            "Centroid Y µm":0.75,"Perimeter µm":2}}}
            ]}

            """)
    }

    @Test func twoPiecesAreAMultiPolygon() {
        let image = labelImage(["1.", ".1"])
        let text = NucleusGeoJSON.featureCollection(LabelOutlines.trace(image), measurements: NucleusMeasurements.measure(image))
        #expect(text.contains("\"type\":\"MultiPolygon\",\"coordinates\":[[[[0,0],[1,0],[1,1],[0,1],[0,0]]],[[[1,1],[2,1],[2,2],[1,2],[1,1]]]]"))
    }
}
