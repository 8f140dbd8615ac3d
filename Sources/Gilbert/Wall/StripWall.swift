import RealModule

/// What a wall in an in-plane strip (easy axis along x, the strip in the
/// xy plane) is, as recorded in the table's `wall_type`.
public enum WallStructure: Int, Sendable {
  /// No core: m_z stays below 1/2 everywhere, or the out-of-plane region
  /// does not wind (a transverse wall, also while it precesses).
  case transverse = 0
  /// A core around which the in-plane magnetization turns once, +2π.
  case vortex = 1
  /// A core around which it turns −2π.
  case antivortex = -1
  /// A core within two cells of an edge (or of a notch), where its winding
  /// cannot be measured: a vortex entering or leaving the strip.
  case coreAtEdge = 2
}

/// The core of a wall in an in-plane strip, if it has one.
public struct WallCore: Sendable, Equatable {
  /// Core position, m (NaN for a transverse wall).
  public var x: Double
  /// Core position across the strip, m (NaN for a transverse wall).
  public var y: Double
  /// Sign of m_z at the core (0 for a transverse wall).
  public var polarity: Double
  /// The wall's structure.
  public var structure: WallStructure

  /// No core.
  public static let none = WallCore(x: .nan, y: .nan, polarity: 0, structure: .transverse)

  /// Finds the core in `m`: the magnetic cell of largest |m_z| when that
  /// exceeds 1/2, refined by a parabola through p m_z (p the polarity) and its
  /// neighbours along x and y; its winding is the turn of the
  /// in-plane angle around the square ring of cells two cells away, counted
  /// counter-clockwise: +1 a vortex, −1 an antivortex, 0 a transverse wall
  /// tilted out of plane. A ring that leaves the strip gives ``WallStructure/coreAtEdge``.
  public static func find(in m: VectorField, grid: Grid, mask: (Int) -> Bool = { _ in true }) -> WallCore {
    var best = -1
    var largest = 0.5
    for i in 0..<grid.cellCount where mask(i) && abs(m[i].z) > largest {
      largest = abs(m[i].z)
      best = i
    }
    guard best >= 0 else { return .none }
    let cx = best % grid.nx, cy = best / grid.nx
    let p: Double = m[best].z > 0 ? 1 : -1
    // Sub-cell position: the vertex of the parabola through p m_z at the
    // largest cell and its two neighbours, along x and along y (a core
    // between two cells, two equal maxima, lands exactly between them).
    func vertex(_ minus: Int?, _ plus: Int?) -> Double {
      guard let minus, let plus, mask(minus), mask(plus) else { return 0 }
      let fm = p * m[minus].z, f0 = p * m[best].z, fp = p * m[plus].z
      let curvature = fm - 2 * f0 + fp
      guard curvature < 0 else { return 0 }
      return max(-0.5, min(0.5, 0.5 * (fm - fp) / curvature))
    }
    let ox = vertex(cx > 0 ? best - 1 : nil, cx < grid.nx - 1 ? best + 1 : nil)
    let oy = vertex(cy > 0 ? best - grid.nx : nil, cy < grid.ny - 1 ? best + grid.nx : nil)
    let (x0, y0) = grid.center(cx, cy)
    var core = WallCore(x: x0 + ox * grid.dx, y: y0 + oy * grid.dy, polarity: p, structure: .coreAtEdge)
    // The ring, counter-clockwise from the lower-left corner.
    var ring: [(Int, Int)] = []
    for k in -2..<2 { ring.append((cx + k, cy - 2)) }
    for k in -2..<2 { ring.append((cx + 2, cy + k)) }
    for k in -2..<2 { ring.append((cx - k, cy + 2)) }
    for k in -2..<2 { ring.append((cx - 2, cy - k)) }
    var angles: [Double] = []
    for (ix, iy) in ring {
      guard ix >= 0, ix < grid.nx, iy >= 0, iy < grid.ny, mask(grid.index(ix, iy)) else { return core }
      let v = m[grid.index(ix, iy)]
      angles.append(Double.atan2(y: v.y, x: v.x))
    }
    var turn = 0.0
    for k in angles.indices {
      var d = angles[(k + 1) % angles.count] - angles[k]
      d -= 2 * Double.pi * (d / (2 * Double.pi)).rounded()
      turn += d
    }
    switch Int((turn / (2 * Double.pi)).rounded()) {
    case 1: core.structure = .vortex
    case -1: core.structure = .antivortex
    default: core = .none
    }
    return core
  }
}

extension DomainWall {
  /// A vortex wall in a strip whose width is the grid's: the domains
  /// (+e left of `q`, −e right of it, e along ±x) meet in a vortex centred on
  /// (q, width/2) with chirality c (+1: the in-plane magnetization turns
  /// counter-clockwise seen from +z) and a core of radius r_c and polarity p
  /// (m_z = p at the centre). A starting state to relax: the domains blend
  /// into the vortex's circulation over half the width, the circulation into
  /// the core over r_c.
  public func vortexProfile(grid: Grid, position q: Double, chirality c: Double, polarity p: Double, coreRadius: Double)
    -> VectorField
  {
    let width = Double(grid.ny) * grid.dy
    let half = width / 2
    var m = VectorField(count: grid.cellCount)
    for iy in 0..<grid.ny {
      for ix in 0..<grid.nx {
        let (x, y) = grid.center(ix, iy)
        let dx = x - q, dy = y - half
        let r = (dx * dx + dy * dy).squareRoot()
        let domain: SIMD3<Double> = -Double.tanh(dx / half) * easyAxis
        let curl: SIMD3<Double> = r > 0 ? SIMD3(-c * dy / r, c * dx / r, 0) : .zero
        let s = Double.exp(-(r * r) / (half * half))
        let core = Double.exp(-(r * r) / (coreRadius * coreRadius))
        let inPlane: SIMD3<Double> = (1 - s) * domain + s * curl
        var v: SIMD3<Double> = (1 - core) * inPlane + SIMD3(0, 0, p * core)
        let norm = (v * v).sum().squareRoot()
        v = norm > 0 ? v / norm : SIMD3(0, 0, p)
        m[grid.index(ix, iy)] = v
      }
    }
    return m
  }
}
