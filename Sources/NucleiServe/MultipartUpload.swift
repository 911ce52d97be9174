import Foundation

/// The file of a `multipart/form-data` body (RFC 7578), for clients that send a form
/// (`curl -F image=@cells.tif`) instead of the raw bytes.
///
/// The body is on disk (streamed there under the upload limit) and is memory-mapped, so a large
/// upload is not copied; the first part with a `filename` is the image.
enum MultipartUpload {
    /// The boundary of a `multipart/form-data` content type, or nil for any other type.
    static func boundary(contentType: String?) -> String? {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.trimmingCharacters(in: .whitespaces)
            guard pair.lowercased().hasPrefix("boundary=") else { continue }
            var value = String(pair.dropFirst("boundary=".count))
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value.isEmpty ? nil : value
        }
        return nil
    }

    /// Writes the first file part of the form in `body` to `destination`; returns the part's file name.
    static func extractFile(from body: URL, boundary: String, to destination: URL) throws(ServeError) -> String {
        let data: Data
        do {
            data = try Data(contentsOf: body, options: .alwaysMapped)
        } catch {
            throw .temporaryFolder(path: body.path, reason: error.localizedDescription)
        }
        let delimiter = Data(("--" + boundary).utf8)
        let separator = Data("\r\n\r\n".utf8)
        var searchStart = data.startIndex
        while let start = data.range(of: delimiter, in: searchStart..<data.endIndex) {
            let headerStart = start.upperBound
            // "--" right after the delimiter closes the form.
            if data[headerStart...].starts(with: Data("--".utf8)) { break }
            guard let headerEnd = data.range(of: separator, in: headerStart..<data.endIndex) else { break }
            let headers = String(decoding: data[headerStart..<headerEnd.lowerBound], as: UTF8.self)
            let contentStart = headerEnd.upperBound
            guard let next = data.range(of: Data("\r\n".utf8) + delimiter, in: contentStart..<data.endIndex) else {
                throw .malformedForm(reason: "a part does not end with the boundary")
            }
            if let fileName = Self.fileName(headers) {
                do {
                    try data[contentStart..<next.lowerBound].write(to: destination)
                } catch {
                    throw .temporaryFolder(path: destination.path, reason: error.localizedDescription)
                }
                return fileName
            }
            searchStart = next.lowerBound
        }
        throw .malformedForm(reason: "it has no file part (a field with a filename)")
    }

    /// The `filename` of a part's Content-Disposition header, if it has one.
    static func fileName(_ headers: String) -> String? {
        for line in headers.split(separator: "\r\n") where line.lowercased().hasPrefix("content-disposition:") {
            guard let range = line.range(of: "filename=\"") else { continue }
            let rest = line[range.upperBound...]
            return String(rest.prefix { $0 != "\"" })
        }
        return nil
    }
}
