import Testing

/// Expects `actual` to match `expected` element by element within `tolerance * (1 + |expected|)`,
/// and reports the worst element at the caller's source location.
func expectClose(
    _ actual: [Float], _ expected: [Float], tolerance: Float, _ comment: @autoclosure () -> String = "",
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(actual.count == expected.count, "counts differ: \(actual.count) vs \(expected.count) \(comment())",
            sourceLocation: sourceLocation)
    var worstIndex = -1
    var worstExcess: Float = 0
    for index in 0..<min(actual.count, expected.count) {
        let allowed = tolerance * (1 + abs(expected[index]))
        let error = abs(actual[index] - expected[index])
        // `!(error <= allowed)` also catches NaN, i.e. an output element the kernel never wrote.
        if !(error <= allowed), worstIndex < 0 || !(error / allowed <= worstExcess) {
            worstIndex = index
            worstExcess = error / allowed
        }
    }
    if worstIndex >= 0 {
        let message = "element \(worstIndex): \(actual[worstIndex]) vs expected \(expected[worstIndex]) "
            + "(tolerance \(tolerance) * (1 + |expected|)) \(comment())"
        Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
    }
}
