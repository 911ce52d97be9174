/// NumPy's `.npy` format (version 1.0) for little-endian float32 arrays in C order: what
/// bioimage.io test tensors are, and what `numpy.load` reads.
public enum NumpyArray {
    public static func float32(_ values: [Float], shape: [Int]) -> [UInt8] {
        precondition(shape.reduce(1, *) == values.count, "npy: \(values.count) values for shape \(shape)")
        let dims = shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? "," : "")
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(dims)), }"
        // Magic (6) + version (2) + length (2) + header, padded with spaces to a multiple of 64, ending in "\n".
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
        bytes.appendLittleEndian(UInt16(header.utf8.count))
        bytes += Array(header.utf8)
        bytes.reserveCapacity(bytes.count + 4 * values.count)
        for value in values { bytes.appendLittleEndian(value.bitPattern) }
        return bytes
    }
}
