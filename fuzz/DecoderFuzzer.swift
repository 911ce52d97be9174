// libFuzzer entry for the decoders a user's files reach: PNG and TIFF (libpng/libtiff through
// the C glue, then the Swift checks) and the safetensors reader. Built by `scripts/fuzz.sh`
// with `-sanitize=fuzzer,address`; not part of the package.
import Foundation
import NucleiImaging
import NucleiNN

/// The first byte picks the reader, so one corpus covers all three; the rest is the file.
/// Any error thrown is the expected outcome for damaged input; only a crash, a hang, a leak or an
/// address-sanitizer report is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start, count >= 1 else { return 0 }
    let selector = start[0]
    let bytes = Array(UnsafeBufferPointer(start: start + 1, count: count - 1))
    // A small limit keeps each run fast; the size check itself is what is under test.
    let limit = ImageSizeLimit(maximumSide: 4096, maximumPixels: 1 << 20)
    switch selector % 3 {
    case 0:
        _ = try? ImageFile.decode(bytes, path: "fuzz.png", limit: limit)
    case 1:
        _ = try? ImageFile.decode(bytes, path: "fuzz.tif", channel: Int(selector / 3) % 4, limit: limit)
        _ = try? ImageFile.decode(bytes, path: "fuzz.tif", limit: limit)
        _ = try? TIFFCodec.pixelSize(bytes, path: "fuzz.tif")
    default:
        _ = try? SafeTensorsFile(data: Data(bytes), path: "fuzz.safetensors")
    }
    return 0
}
