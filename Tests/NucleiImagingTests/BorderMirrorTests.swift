import NucleiImaging
import Testing

struct BorderMirrorTests {
    @Test func reflectsWithoutRepeatingTheEdge() {
        // length 4: … 2 1 | 0 1 2 3 | 2 1 0 1 …
        #expect((-3...7).map { BorderMirror.index($0, length: 4) } == [3, 2, 1, 0, 1, 2, 3, 2, 1, 0, 1])
        #expect(BorderMirror.index(-5, length: 1) == 0 && BorderMirror.index(9, length: 1) == 0)
        #expect((-2...3).map { BorderMirror.index($0, length: 2) } == [0, 1, 0, 1, 0, 1])
    }
}
