import RealModule

/// A domain wall along x, described by its easy axis e and a transverse
/// basis (a, b): m = cos θ e + sin θ (cos φ a + sin φ b).
///
/// θ goes from 0 (m = +e) on the left to π (m = −e) on the right, so for
/// e = x̂ the wall is head-to-head and for e = ẑ it is up-down.
public struct DomainWall: Sendable, Equatable {
  /// The easy axis e (unit).
  public let easyAxis: SIMD3<Double>
  /// The transverse direction at tilt φ = 0 (unit, ⟂ e).
  public let transverseA: SIMD3<Double>
  /// The transverse direction at tilt φ = π/2: b = e × a.
  public let transverseB: SIMD3<Double>

  /// A wall with easy axis `easyAxis` and in-wall direction `transverse` at φ = 0.
  public init(easyAxis: SIMD3<Double>, transverse: SIMD3<Double>) {
    let e = easyAxis / (easyAxis * easyAxis).sum().squareRoot()
    var a = transverse - dot(transverse, e) * e
    a /= (a * a).sum().squareRoot()
    self.easyAxis = e
    transverseA = a
    transverseB = cross(e, a)
  }

  /// The Walker profile θ(x) = 2 atan(exp((x − q)/Δ)) at tilt φ, on every row of `grid`.
  public func walkerProfile(grid: Grid, position q: Double, width: Double, tilt phi: Double) -> VectorField {
    var m = VectorField(count: grid.cellCount)
    let t = Double.cos(phi) * transverseA + Double.sin(phi) * transverseB
    for iy in 0..<grid.ny {
      for ix in 0..<grid.nx {
        let x = grid.center(ix, iy).x
        let theta = 2 * Double.atan(Double.exp((x - q) / width))
        m[grid.index(ix, iy)] = Double.cos(theta) * easyAxis + Double.sin(theta) * t
      }
    }
    return m
  }

  /// Where m·e crosses zero along a row, m, interpolated linearly between the
  /// two cells whose m·e changes sign nearest the row's largest |∂x(m·e)|;
  /// nil if the row has no sign change.
  public func position(row m: VectorField, grid: Grid, iy: Int, mask: (Int) -> Bool = { _ in true }) -> Double? {
    var best: (x: Double, slope: Double)? = nil
    for ix in 0..<(grid.nx - 1) {
      let i = grid.index(ix, iy)
      guard mask(i), mask(i + 1) else { continue }
      let u0 = dot(m[i], easyAxis), u1 = dot(m[i + 1], easyAxis)
      if (u0 > 0) != (u1 > 0) || u0 == 0 {
        let f = u0 / (u0 - u1)
        let x = grid.center(ix, iy).x + f * grid.dx
        let slope = abs(u1 - u0)
        if best == nil || slope > best!.slope { best = (x, slope) }
      }
    }
    return best?.x
  }

  /// Whether some row of a strip has a sign change of m·e.
  func hasWall(_ m: VectorField, grid: Grid, mask: (Int) -> Bool) -> Bool {
    (0..<grid.ny).contains { position(row: m, grid: grid, iy: $0, mask: mask) != nil }
  }

  /// Wall position q (m), nil when no row has a sign change of m·e.
  ///
  /// In a wire (one row): the zero crossing of m·e, interpolated. In a strip
  /// (several rows) the crossing differs from row to row (a vortex wall's
  /// runs diagonally) and is ill-defined where the core sits, so q counts
  /// magnetization instead: in each row, n₊ = (N + Σ m·e)/2 of its N magnetic
  /// cells point along +e, and the row's q is where n₊ magnetic cells lie to
  /// its left (for a full row, q = L (1 + ⟨m·e⟩)/2; cells of a notch are
  /// skipped). q is the mean over rows: exact for a wall symmetric about
  /// its centre, shifted by a constant otherwise (velocities are unaffected).
  public func position(_ m: VectorField, grid: Grid, mask: (Int) -> Bool = { _ in true }) -> Double? {
    guard grid.ny > 1 else { return position(row: m, grid: grid, iy: 0, mask: mask) }
    guard hasWall(m, grid: grid, mask: mask) else { return nil }
    var total = 0.0
    var counted = 0
    for iy in 0..<grid.ny {
      var n = 0, projection = 0.0
      for ix in 0..<grid.nx where mask(grid.index(ix, iy)) {
        n += 1
        projection += dot(m[grid.index(ix, iy)], easyAxis)
      }
      guard n > 0 else { continue }
      var remaining = (Double(n) + projection) / 2
      var x = Double(grid.nx) * grid.dx
      for ix in 0..<grid.nx where mask(grid.index(ix, iy)) {
        if remaining <= 1 {
          x = (Double(ix) + remaining) * grid.dx
          break
        }
        remaining -= 1
      }
      total += x
      counted += 1
    }
    return total / Double(counted)
  }

  /// Wall tilt φ (rad): the azimuth of the transverse part of m in the
  /// (a, b) basis. In a wire, at the zero crossing (interpolated); in a strip,
  /// of the transverse magnetization summed over the strip (the domains add
  /// nothing), which for a transverse wall is the direction of its core.
  public func tilt(_ m: VectorField, grid: Grid, mask: (Int) -> Bool = { _ in true }) -> Double? {
    if grid.ny > 1 {
      guard hasWall(m, grid: grid, mask: mask) else { return nil }
      var ca = 0.0, cb = 0.0
      for i in 0..<grid.cellCount where mask(i) {
        ca += dot(m[i], transverseA)
        cb += dot(m[i], transverseB)
      }
      return Double.atan2(y: cb, x: ca)
    }
    var ca = 0.0, cb = 0.0, found = false
    for iy in 0..<grid.ny {
      guard let x = position(row: m, grid: grid, iy: iy, mask: mask) else { continue }
      let s = x / grid.dx - 0.5
      let i0 = min(max(Int(s.rounded(.down)), 0), grid.nx - 2)
      let f = min(max(s - Double(i0), 0), 1)
      let v = (1 - f) * m[grid.index(i0, iy)] + f * m[grid.index(i0 + 1, iy)]
      ca += dot(v, transverseA)
      cb += dot(v, transverseB)
      found = true
    }
    return found ? Double.atan2(y: cb, x: ca) : nil
  }

  /// Wall width Δ (m) from ∫ (1 − (m·e)²) dx = 2Δ (exact for the Walker
  /// profile), averaged over rows.
  public func width(_ m: VectorField, grid: Grid, mask: (Int) -> Bool = { _ in true }) -> Double {
    var total = 0.0, rows = 0
    for iy in 0..<grid.ny {
      var s = 0.0
      var any = false
      for ix in 0..<grid.nx {
        let i = grid.index(ix, iy)
        guard mask(i) else { continue }
        let u = dot(m[i], easyAxis)
        s += (1 - u * u) * grid.dx
        any = true
      }
      if any {
        total += s / 2
        rows += 1
      }
    }
    return rows > 0 ? total / Double(rows) : 0
  }
}

/// The wall types of the initial states and of the model.
public enum WallKind: String, Sendable, CaseIterable {
  /// In-plane head-to-head wall: easy axis +x on the left, −x on the right; φ = 0 is m ∥ +y at the centre.
  case headToHead = "head-to-head"
  /// In-plane tail-to-tail wall: −x on the left, +x on the right.
  case tailToTail = "tail-to-tail"
  /// Perpendicular film, up on the left and down on the right; Néel: φ = 0, m ∥ +x at the centre.
  case neel
  /// Perpendicular film; Bloch: φ = π/2, m ∥ +y at the centre (same axes as Néel).
  case bloch

  /// The wall's axes: easy axis e and φ = 0 direction a (b = e × a).
  public var wall: DomainWall {
    switch self {
    case .headToHead: return DomainWall(easyAxis: SIMD3(1, 0, 0), transverse: SIMD3(0, 1, 0))
    case .tailToTail: return DomainWall(easyAxis: SIMD3(-1, 0, 0), transverse: SIMD3(0, 1, 0))
    case .neel, .bloch: return DomainWall(easyAxis: SIMD3(0, 0, 1), transverse: SIMD3(1, 0, 0))
    }
  }

  /// The rest tilt: π/2 for Bloch, 0 otherwise.
  public var defaultTilt: Double { self == .bloch ? Double.pi / 2 : 0 }
}
