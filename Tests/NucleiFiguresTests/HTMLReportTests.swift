import NucleiFigures
import Testing

@Test func escapingCoversMarkupAndQuotes() {
    #expect(HTMLReport.escape("<a href=\"x\">Tom & Jerry's</a>")
        == "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;")
    #expect(HTMLReport.escape("µm² – ok") == "µm² – ok")
}

@Test(arguments: [
    ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="),
    ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
])
func base64MatchesRFC4648(input: String, expected: String) {
    #expect(HTMLReport.base64(Array(input.utf8)) == expected)
}

@Test func base64OfHighBytes() {
    #expect(HTMLReport.base64([0xFF, 0xFE]) == "//4=")
    #expect(HTMLReport.base64([0x89, 0x50, 0x4E, 0x47]) == "iVBORw==")
}

private func occurrences(of needle: String, in text: String) -> Int {
    text.split(separator: needle, omittingEmptySubsequences: false).count - 1
}

@Test func everyImageIsEmbeddedAsADataURIAndTextIsEscaped() {
    var report = HTMLReport(title: "Nuclei <report>", subtitle: "run 1 & 2", footer: "made by nucleiseg")
    report.addFacts([("model", "MobileNetV2 U-Net"), ("data", "<script>alert(1)</script>")], heading: "Run")
    report.addSection("Training")
    report.addParagraph("Loss & accuracy per epoch.")
    report.addFigure(png: [1, 2, 3], caption: "Loss \"curve\"")
    var canvas = RGBCanvas(width: 2, height: 1)
    canvas[1, 0] = .black
    var encoded: [(Int, Int, [UInt8])] = []
    report.addFigure(canvas, caption: "second", displayWidth: 400) { pixels, width, height in
        encoded.append((width, height, pixels))
        return [0xFF, 0xFE]
    }
    report.addTable(header: ["split", "loss", "accuracy"],
                    rows: [["validation", "0.0971", "96.35 %"], ["test", "0.0891"]], heading: "Metrics")
    let html = report.render()

    #expect(encoded.count == 1)
    #expect(encoded.first?.0 == 2 && encoded.first?.1 == 1)
    #expect(encoded.first?.2 == [255, 255, 255, 0, 0, 0])
    #expect(html.hasPrefix("<!DOCTYPE html>"))
    #expect(occurrences(of: "<img ", in: html) == 2)
    #expect(occurrences(of: "src=\"data:image/png;base64,", in: html) == 2)
    #expect(html.contains("src=\"data:image/png;base64,AQID\""))
    #expect(html.contains("src=\"data:image/png;base64,//4=\""))
    #expect(html.contains("style=\"width:400px\""))
    #expect(html.contains("<title>Nuclei &lt;report&gt;</title>"))
    #expect(html.contains("<h1>Nuclei &lt;report&gt;</h1>"))
    #expect(html.contains("run 1 &amp; 2"))
    #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    #expect(!html.contains("<script"))
    #expect(html.contains("<figcaption>Loss &quot;curve&quot;</figcaption>"))
    #expect(html.contains("alt=\"Loss &quot;curve&quot;\""))
    #expect(html.contains("<h2>Training</h2>"))
    #expect(html.contains("<td class=\"num\">0.0971</td>"))
    #expect(html.contains("<td class=\"num\">96.35 %</td>"))
    #expect(html.contains("<td>validation</td>"))
    #expect(html.contains("<tr><td>test</td><td class=\"num\">0.0891</td><td></td></tr>")) // padded row
    // Self-contained: no external resources.
    #expect(!html.contains("<link") && !html.contains("src=\"http") && !html.contains("url("))
}

struct EncoderFailure: Error {}

@Test func encoderErrorsPropagate() {
    var report = HTMLReport(title: "t")
    #expect(throws: EncoderFailure.self) {
        try report.addFigure(RGBCanvas(width: 1, height: 1), caption: "c") { _, _, _ in throw EncoderFailure() }
    }
    #expect(occurrences(of: "<img ", in: report.render()) == 0)
}
