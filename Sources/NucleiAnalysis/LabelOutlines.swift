/// A corner of the pixel grid: pixel (x, y) covers the square [x, x + 1] x [y, y + 1], so a
/// nucleus's outline runs along pixel edges, as in ImageJ's wand tool and QuPath's pixel
/// classifier (the polygon's area is then exactly its pixel count).
public struct GridPoint: Equatable, Hashable, Sendable {
    public var x: Int
    public var y: Int
    public init(x: Int, y: Int) {
        self.x = x
        self.y = y
    }
}

/// One 4-connected piece of a nucleus: an exterior ring and the rings of its holes.
///
/// Rings are closed implicitly (the last point joins the first) and hold corners only (no
/// point in the middle of a straight run). Taken as plain (x, y) numbers, exteriors turn
/// anticlockwise (positive shoelace area) and holes clockwise, the orientation GeoJSON (RFC 7946)
/// asks for. Rings never cross; a hole may touch the exterior or another hole at a corner,
/// which the OGC simple-feature rules allow, so shapely and QuPath take each polygon as valid.
public struct OutlinePolygon: Equatable, Sendable {
    public var exterior: [GridPoint]
    public var holes: [[GridPoint]]
    /// Pixels of the piece (= exterior area - hole areas).
    public var area: Int

    public init(exterior: [GridPoint], holes: [[GridPoint]], area: Int) {
        self.exterior = exterior
        self.holes = holes
        self.area = area
    }
}

/// The outline of one nucleus: one polygon per 4-connected piece, the largest first (a label
/// is normally one piece; a watershed or the `dsb2018` masks can leave a second one).
public struct NucleusOutline: Equatable, Sendable {
    public var label: Int32
    public var polygons: [OutlinePolygon]
    public var area: Int { polygons.reduce(0) { $0 + $1.area } }
}

/// Traces the pixel-edge outlines of every instance of a label image.
public enum LabelOutlines {
    /// Outlines of every label present, in increasing label order.
    ///
    /// Each label is split into 4-connected pieces; the edges between a piece and any other pixel
    /// (or the image border) are linked into rings with the piece on the right-hand side of
    /// travel on screen (y down). Where two pixels of a piece meet only at a corner, the ring
    /// turns so that it wraps the outside pixel, so every ring bounds one 4-connected region of
    /// the outside: no ring touches itself.
    /// - Complexity: O(pixels + boundary edges), with one dictionary entry per boundary edge.
    public static func trace(_ image: LabelImage) -> [NucleusOutline] {
        let width = image.width, height = image.height
        let pieces = fourConnectedPieces(image)
        let vertexColumns = width + 1
        let vertexCount = (width + 1) * (height + 1)
        // Directed boundary edges: start vertex, direction (0 east, 1 south, 2 west, 3 north), piece.
        var starts: [Int] = [], directions: [UInt8] = [], owners: [Int32] = []
        var index: [Int: Int32] = [:]
        func key(_ piece: Int32, _ vertex: Int, _ direction: UInt8) -> Int { (Int(piece) * vertexCount + vertex) * 4 + Int(direction) }
        func addEdge(_ piece: Int32, _ vertex: Int, _ direction: UInt8) {
            index[key(piece, vertex, direction)] = Int32(starts.count)
            starts.append(vertex)
            directions.append(direction)
            owners.append(piece)
        }
        let piece = pieces.piece
        for y in 0..<height {
            for x in 0..<width {
                let p = y * width + x
                let c = piece[p]
                guard c != 0 else { continue }
                let corner = y * vertexColumns + x
                if y == 0 || piece[p - width] != c { addEdge(c, corner, 0) }
                if x == width - 1 || piece[p + 1] != c { addEdge(c, corner + 1, 1) }
                if y == height - 1 || piece[p + width] != c { addEdge(c, corner + vertexColumns + 1, 2) }
                if x == 0 || piece[p - 1] != c { addEdge(c, corner + vertexColumns, 3) }
            }
        }
        let steps = [1, vertexColumns, -1, -vertexColumns]
        var exteriors = [[GridPoint]](repeating: [], count: pieces.labels.count)
        var holes = [[[GridPoint]]](repeating: [], count: pieces.labels.count)
        var visited = [Bool](repeating: false, count: starts.count)
        var ringVertices: [Int] = [], ringDirections: [UInt8] = []
        for first in 0..<starts.count where !visited[first] {
            ringVertices.removeAll(keepingCapacity: true)
            ringDirections.removeAll(keepingCapacity: true)
            let owner = owners[first]
            var edge = first
            repeat {
                visited[edge] = true
                ringVertices.append(starts[edge])
                let direction = directions[edge]
                ringDirections.append(direction)
                let end = starts[edge] + steps[Int(direction)]
                // Left turn first (wraps the outside pixel at a corner-only contact), then straight, then right.
                var next: Int32?
                for turn: UInt8 in [3, 0, 1] {
                    if let found = index[key(owner, end, (direction + turn) % 4)] {
                        next = found
                        break
                    }
                }
                guard let next else { preconditionFailure("LabelOutlines: open boundary at vertex \(end)") }
                edge = Int(next)
            } while edge != first
            var ring: [GridPoint] = []
            for i in 0..<ringVertices.count where ringDirections[i] != ringDirections[(i + ringVertices.count - 1) % ringVertices.count] {
                ring.append(GridPoint(x: ringVertices[i] % vertexColumns, y: ringVertices[i] / vertexColumns))
            }
            let slot = Int(owner) - 1
            if signedArea(ring) > 0 {
                exteriors[slot] = ring
            } else {
                holes[slot].append(ring)
            }
        }
        var byLabel: [Int32: [OutlinePolygon]] = [:]
        for slot in 0..<pieces.labels.count {
            byLabel[pieces.labels[slot], default: []].append(
                OutlinePolygon(exterior: exteriors[slot], holes: holes[slot], area: pieces.areas[slot]))
        }
        return byLabel.keys.sorted().map { label in
            // Largest piece first; ties keep raster order of the pieces' first pixels.
            let polygons = byLabel[label]!.enumerated().sorted { ($0.element.area, -$0.offset) > ($1.element.area, -$1.offset) }.map(\.element)
            return NucleusOutline(label: label, polygons: polygons)
        }
    }

    /// The shoelace area of a closed ring (positive when it turns anticlockwise in (x, y)
    /// numbers, i.e. clockwise on screen). Exact: grid rings have integer area.
    public static func signedArea(_ ring: [GridPoint]) -> Int {
        guard ring.count >= 3 else { return 0 }
        var twice = 0
        for i in 0..<ring.count {
            let a = ring[i], b = ring[(i + 1) % ring.count]
            twice += a.x * b.y - b.x * a.y
        }
        return twice / 2
    }

    /// The box [minimum x, maximum x] x [minimum y, maximum y] of a ring's corners.
    public static func bounds(_ ring: [GridPoint]) -> (minX: Int, minY: Int, maxX: Int, maxY: Int) {
        var minX = Int.max, minY = Int.max, maxX = Int.min, maxY = Int.min
        for point in ring {
            minX = min(minX, point.x)
            maxX = max(maxX, point.x)
            minY = min(minY, point.y)
            maxY = max(maxY, point.y)
        }
        return (minX, minY, maxX, maxY)
    }

    /// 4-connected pieces of equal label: a piece id per pixel (0 for background, pieces 1...n
    /// in raster order of their first pixel), each piece's label and pixel count.
    static func fourConnectedPieces(_ image: LabelImage) -> (piece: [Int32], labels: [Int32], areas: [Int]) {
        let width = image.width, height = image.height
        let labels = image.labels
        var piece = [Int32](repeating: 0, count: labels.count)
        var pieceLabels: [Int32] = [], areas: [Int] = []
        var stack: [Int] = []
        for start in labels.indices where labels[start] != 0 && piece[start] == 0 {
            let label = labels[start]
            pieceLabels.append(label)
            let id = Int32(pieceLabels.count)
            piece[start] = id
            stack.append(start)
            var area = 0
            while let p = stack.popLast() {
                area += 1
                let x = p % width, y = p / width
                if x > 0, labels[p - 1] == label, piece[p - 1] == 0 { piece[p - 1] = id; stack.append(p - 1) }
                if x < width - 1, labels[p + 1] == label, piece[p + 1] == 0 { piece[p + 1] = id; stack.append(p + 1) }
                if y > 0, labels[p - width] == label, piece[p - width] == 0 { piece[p - width] = id; stack.append(p - width) }
                if y < height - 1, labels[p + width] == label, piece[p + width] == 0 { piece[p + width] = id; stack.append(p + width) }
            }
            areas.append(area)
        }
        return (piece, pieceLabels, areas)
    }
}
