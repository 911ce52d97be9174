import NucleiImaging
import Testing

struct DihedralTests {
    @Test func quarterTurnAndMirrorByHand() {
        // 3 x 2:  1 2 3      a quarter turn counter-clockwise gives 2 x 3:  3 6
        //         4 5 6                                                    2 5
        //                                                                  1 4
        let turned = Dihedral(mirrored: false, quarterTurns: 1).apply([1, 2, 3, 4, 5, 6], width: 3, height: 2, channels: 1)
        #expect(turned.values == [3, 6, 2, 5, 1, 4] && turned.width == 2 && turned.height == 3)
        let mirrored = Dihedral(mirrored: true, quarterTurns: 0).apply([1, 2, 3, 4, 5, 6], width: 3, height: 2, channels: 1)
        #expect(mirrored.values == [3, 2, 1, 6, 5, 4] && mirrored.width == 3)
    }

    @Test func allEightAreDistinctAndInvertExactlyWithChannels() {
        let width = 4, height = 3, channels = 2
        let values = Array(0..<(width * height * channels))
        var seen = Set<[Int]>()
        for transform in Dihedral.all {
            let forward = transform.apply(values, width: width, height: height, channels: channels)
            seen.insert(forward.values)
            let back = transform.invert(forward.values, width: forward.width, height: forward.height, channels: channels)
            #expect(back.values == values && back.width == width && back.height == height, "\(transform)")
            // Channels of a pixel stay together.
            for pixel in 0..<(width * height) { #expect(forward.values[2 * pixel + 1] == forward.values[2 * pixel] + 1) }
        }
        #expect(seen.count == 8)
        #expect(Dihedral.all[0] == Dihedral(mirrored: false, quarterTurns: 0))
    }
}
