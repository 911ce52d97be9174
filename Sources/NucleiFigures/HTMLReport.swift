/// Turns RGB pixels (`width * height * 3` bytes, row-major) into PNG file bytes.
/// The imaging layer supplies it (libpng); this module only draws.
public typealias PNGEncoder = (_ rgb: [UInt8], _ width: Int, _ height: Int) throws -> [UInt8]

/// A self-contained HTML report: one file with inline CSS and every image embedded as a
/// `data:image/png;base64,` URI, so it can be mailed or archived without its folder.
///
/// Build it block by block, then call ``render()``. All text is HTML-escaped, so sample names
/// or paths containing `<`, `&` or quotes are shown literally.
///
///     var report = HTMLReport(title: "Nuclei segmentation")
///     report.addFacts([("model", "MobileNetV2 U-Net"), ("epochs", "42")], heading: "Run")
///     report.addSection("Training")
///     try report.addFigure(chart.render(), caption: "Loss per epoch", encoder: encodePNG)
///     let html = report.render()
public struct HTMLReport: Sendable {
    enum Block: Sendable {
        case section(String)
        case paragraph(String)
        case facts([(String, String)], heading: String)
        case table(header: [String], rows: [[String]], heading: String, caption: String)
        case figure(png: [UInt8], caption: String, altText: String, displayWidth: Int?)
    }

    public var title: String
    /// A line under the title (e.g. the date and the command that produced the report).
    public var subtitle: String
    /// Small print at the bottom of the page.
    public var footer: String
    private(set) var blocks: [Block] = []

    public init(title: String, subtitle: String = "", footer: String = "") {
        self.title = title
        self.subtitle = subtitle
        self.footer = footer
    }

    /// Starts a new section with a heading.
    public mutating func addSection(_ heading: String) {
        blocks.append(.section(heading))
    }

    /// A paragraph of plain text.
    public mutating func addParagraph(_ text: String) {
        blocks.append(.paragraph(text))
    }

    /// A two-column table of facts (model, data, training settings), in the given order.
    public mutating func addFacts(_ facts: [(String, String)], heading: String = "") {
        blocks.append(.facts(facts, heading: heading))
    }

    /// A table of strings (e.g. metrics); cells that read as numbers are right-aligned.
    /// Short rows are padded with empty cells.
    public mutating func addTable(header: [String], rows: [[String]], heading: String = "", caption: String = "") {
        blocks.append(.table(header: header, rows: rows, heading: heading, caption: caption))
    }

    /// A figure from PNG file bytes, with a caption under it.
    /// - Parameters:
    ///   - altText: text for screen readers; defaults to the caption.
    ///   - displayWidth: CSS width in pixels (e.g. half the pixel width for a sharp image on
    ///     high-density screens); `nil` shows the image at its own size, never wider than the page.
    public mutating func addFigure(png: [UInt8], caption: String, altText: String? = nil, displayWidth: Int? = nil) {
        blocks.append(.figure(png: png, caption: caption, altText: altText ?? caption, displayWidth: displayWidth))
    }

    /// A figure from a canvas, PNG-encoded by `encoder`.
    /// - Throws: whatever `encoder` throws.
    public mutating func addFigure(
        _ canvas: RGBCanvas, caption: String, altText: String? = nil, displayWidth: Int? = nil, encoder: PNGEncoder
    ) rethrows {
        let png = try encoder(canvas.pixels, canvas.width, canvas.height)
        addFigure(png: png, caption: caption, altText: altText, displayWidth: displayWidth)
    }

    /// The complete HTML document.
    /// - Complexity: O(total size of text and images).
    public func render() -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(Self.escape(title))</title>
            <style>\(Self.styleSheet)</style>
            </head>
            <body>
            <main>
            <h1>\(Self.escape(title))</h1>

            """
        if !subtitle.isEmpty { html += "<p class=\"subtitle\">\(Self.escape(subtitle))</p>\n" }
        for block in blocks {
            switch block {
            case .section(let heading):
                html += "<h2>\(Self.escape(heading))</h2>\n"
            case .paragraph(let text):
                html += "<p>\(Self.escape(text))</p>\n"
            case .facts(let facts, let heading):
                if !heading.isEmpty { html += "<h3>\(Self.escape(heading))</h3>\n" }
                html += "<table class=\"facts\">\n"
                for (key, value) in facts {
                    html += "<tr><th scope=\"row\">\(Self.escape(key))</th><td>\(Self.escape(value))</td></tr>\n"
                }
                html += "</table>\n"
            case .table(let header, let rows, let heading, let caption):
                if !heading.isEmpty { html += "<h3>\(Self.escape(heading))</h3>\n" }
                html += "<table class=\"data\">\n"
                if !caption.isEmpty { html += "<caption>\(Self.escape(caption))</caption>\n" }
                let columns = max(header.count, rows.map(\.count).max() ?? 0)
                if !header.isEmpty {
                    html += "<thead><tr>"
                    for cell in header { html += "<th scope=\"col\">\(Self.escape(cell))</th>" }
                    html += "</tr></thead>\n"
                }
                html += "<tbody>\n"
                for row in rows {
                    html += "<tr>"
                    for index in 0 ..< columns {
                        let cell = index < row.count ? row[index] : ""
                        html += Self.isNumeric(cell) ? "<td class=\"num\">" : "<td>"
                        html += "\(Self.escape(cell))</td>"
                    }
                    html += "</tr>\n"
                }
                html += "</tbody>\n</table>\n"
            case .figure(let png, let caption, let altText, let displayWidth):
                let width = displayWidth.map { " style=\"width:\($0)px\"" } ?? ""
                html += "<figure><img src=\"data:image/png;base64,\(Self.base64(png))\" alt=\"\(Self.escape(altText))\"\(width)>"
                if !caption.isEmpty { html += "<figcaption>\(Self.escape(caption))</figcaption>" }
                html += "</figure>\n"
            }
        }
        if !footer.isEmpty { html += "<footer>\(Self.escape(footer))</footer>\n" }
        html += "</main>\n</body>\n</html>\n"
        return html
    }

    /// `text` with `&`, `<`, `>`, `"` and `'` replaced by character references, safe both
    /// between tags and inside quoted attribute values.
    public static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    /// Standard Base64 (RFC 4648, with `=` padding) of `bytes`.
    public static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var output = [UInt8]()
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index + 3 <= bytes.count {
            let group = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            output += [alphabet[Int(group >> 18)], alphabet[Int(group >> 12 & 63)],
                       alphabet[Int(group >> 6 & 63)], alphabet[Int(group & 63)]]
            index += 3
        }
        let remaining = bytes.count - index
        if remaining == 1 {
            let group = UInt32(bytes[index]) << 16
            output += [alphabet[Int(group >> 18)], alphabet[Int(group >> 12 & 63)], UInt8(ascii: "="), UInt8(ascii: "=")]
        } else if remaining == 2 {
            let group = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
            output += [alphabet[Int(group >> 18)], alphabet[Int(group >> 12 & 63)],
                       alphabet[Int(group >> 6 & 63)], UInt8(ascii: "=")]
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Whether `cell` reads as a number ("0.9635", "-3", "96.4 %", "1e-3").
    static func isNumeric(_ cell: String) -> Bool {
        var text = Substring(cell.trimmingSpaces)
        if text.hasSuffix("%") { text = Substring(text.dropLast().trimmingSpaces) }
        return !text.isEmpty && Double(text) != nil
    }

    static let styleSheet = """
        body{margin:0;background:#f6f7f9;color:#1d232b;font:16px/1.5 -apple-system,"Segoe UI",Roboto,\
        "Helvetica Neue",Arial,sans-serif}\
        main{max-width:1040px;margin:0 auto;padding:32px 24px 48px;background:#fff;min-height:100vh;\
        box-shadow:0 0 24px rgba(0,0,0,.06)}\
        h1{font-size:28px;margin:0 0 4px}h2{font-size:21px;margin:36px 0 12px;padding-bottom:4px;\
        border-bottom:2px solid #e3e6ea}h3{font-size:17px;margin:20px 0 8px}\
        .subtitle{color:#5b6570;margin:0 0 16px}\
        table{border-collapse:collapse;margin:8px 0 16px;font-size:15px}\
        th,td{padding:5px 12px;border-bottom:1px solid #e3e6ea;text-align:left;vertical-align:top}\
        table.facts th{color:#5b6570;font-weight:600;white-space:nowrap}\
        table.data thead th{border-bottom:2px solid #aab2bb}table.data tbody tr:nth-child(even){background:#f8f9fb}\
        td.num{text-align:right;font-variant-numeric:tabular-nums}\
        caption{caption-side:bottom;color:#5b6570;font-size:14px;padding-top:6px;text-align:left}\
        figure{margin:16px 0 24px}img{max-width:100%;height:auto;border:1px solid #e3e6ea}\
        figcaption{color:#5b6570;font-size:14px;margin-top:6px}\
        footer{margin-top:40px;color:#8a939c;font-size:13px}
        """
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs (Foundation-free `trimmingCharacters`).
    var trimmingSpaces: SubSequence {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }) else { return self[endIndex...] }
        let last = lastIndex(where: { !isSpace($0) }) ?? first
        return self[first ... last]
    }
}
