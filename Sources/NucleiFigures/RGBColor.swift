/// An opaque 8-bit sRGB colour.
public struct RGBColor: Hashable, Sendable {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8

    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// A colour from `0xRRGGBB`.
    public init(hex: UInt32) {
        self.init(
            red: UInt8(truncatingIfNeeded: hex >> 16),
            green: UInt8(truncatingIfNeeded: hex >> 8),
            blue: UInt8(truncatingIfNeeded: hex))
    }

    /// A gray level (0 = black, 255 = white).
    public init(gray: UInt8) {
        self.init(red: gray, green: gray, blue: gray)
    }

    public static let black = RGBColor(gray: 0)
    public static let white = RGBColor(gray: 255)
    /// Axis and text colour: near-black reads softer than pure black on white.
    public static let ink = RGBColor(hex: 0x222222)
    public static let gridGray = RGBColor(hex: 0xE4E4E4)
    public static let frameGray = RGBColor(hex: 0x555555)

    /// The Tableau-10 palette (matplotlib's default cycle): distinct hues that stay
    /// distinguishable for the common forms of colour blindness in the first four entries.
    public static let palette: [RGBColor] = [
        0x1F77B4, 0xFF7F0E, 0x2CA02C, 0xD62728, 0x9467BD,
        0x8C564B, 0xE377C2, 0x7F7F7F, 0xBCBD22, 0x17BECF,
    ].map { RGBColor(hex: $0) }

    /// This colour moved towards `other` by `alpha` (0 = self, 1 = other), rounded.
    public func blended(with other: RGBColor, alpha: Double) -> RGBColor {
        let a = min(max(alpha, 0), 1)
        func mix(_ p: UInt8, _ q: UInt8) -> UInt8 {
            UInt8((Double(p) * (1 - a) + Double(q) * a).rounded())
        }
        return RGBColor(red: mix(red, other.red), green: mix(green, other.green), blue: mix(blue, other.blue))
    }

    /// A saturated colour for instance `label`, pseudo-random but fixed for a given `seed`.
    ///
    /// The hue steps by the golden ratio per label from a seeded starting hue, so labels close
    /// in number (often neighbours after a raster-order labelling) differ in hue by at least
    /// 0.09 of the circle for label gaps up to 5; saturation and brightness come from a 64-bit
    /// mixing hash (SplitMix64 finaliser) of label and seed. Label 0 (background) is black.
    public static func instance<Label: BinaryInteger>(label: Label, seed: UInt64 = 0) -> RGBColor {
        if label == 0 { return .black }
        let z = SeededGenerator.mix(UInt64(truncatingIfNeeded: label) &+ seed &* 0x9E37_79B9_7F4A_7C15 &+ 0x6A09_E667_F3BC_C909)
        var start = seed &+ 0x9E37_79B9_7F4A_7C15
        start = (start ^ (start >> 33)) &* 0xFF51_AFD7_ED55_8CCD
        let turns = Double(UInt64(truncatingIfNeeded: label) % 1_000_003) * 0.618_033_988_749_894_8
        let hue = turns + Double(start >> 11) / 9_007_199_254_740_992
        let saturation = 0.65 + 0.3 * Double((z >> 16) & 0xFF) / 255
        let value = 0.8 + 0.2 * Double((z >> 24) & 0xFF) / 255
        return RGBColor(hue: hue, saturation: saturation, value: value)
    }

    /// A colour from HSV, each component in 0...1 (hue wraps).
    public init(hue: Double, saturation: Double, value: Double) {
        let h = (hue - hue.rounded(.down)) * 6
        let sector = Int(h) % 6
        let f = h - Double(Int(h))
        let v = value, p = value * (1 - saturation)
        let q = value * (1 - saturation * f), t = value * (1 - saturation * (1 - f))
        let (r, g, b): (Double, Double, Double)
        switch sector {
        case 0: (r, g, b) = (v, t, p)
        case 1: (r, g, b) = (q, v, p)
        case 2: (r, g, b) = (p, v, t)
        case 3: (r, g, b) = (p, q, v)
        case 4: (r, g, b) = (t, p, v)
        default: (r, g, b) = (v, p, q)
        }
        func byte(_ x: Double) -> UInt8 { UInt8((min(max(x, 0), 1) * 255).rounded()) }
        self.init(red: byte(r), green: byte(g), blue: byte(b))
    }
}
