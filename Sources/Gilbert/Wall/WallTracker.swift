/// Follows one domain wall along x: its observables in the lab frame, and an
/// optional moving frame that keeps it centred on a finite grid (Documentation/Physics.md).
///
/// When the wall is more than `threshold` cells from the centre, m is shifted
/// by whole cells, the new edge is filled with that side's domain direction
/// (+e on the left, −e on the right) and the shift is added to ``offset``, so
/// ``position`` is the absolute position, moving frame included.
public struct WallTracker: Sendable {
  /// The wall's axes.
  public let wall: DomainWall
  /// Whether m is shifted to keep the wall centred.
  public let movingFrame: Bool
  /// Shift when the wall is this many cells from the centre.
  public var threshold: Double = 2
  /// The total shift of the frame, m (positive: the frame moved along +x).
  public private(set) var offset: Double = 0
  /// Number of shifts made.
  public private(set) var shifts = 0
  /// Last tilt seen, for unwrapping.
  var lastTilt: Double? = nil

  /// A tracker of `wall`.
  public init(wall: DomainWall, movingFrame: Bool) {
    self.wall = wall
    self.movingFrame = movingFrame
  }

  /// Observables of a wall: absolute position q (m), tilt φ (rad, unwrapped
  /// between calls so a precessing wall's φ grows continuously), width Δ (m).
  public struct Observation: Sendable, Equatable {
    public var position: Double
    public var tilt: Double
    public var width: Double
  }

  /// The tracker's memory, for checkpoints: the moving frame's offset and
  /// shift count and the last tilt (for unwrapping); NaN for none.
  public var state: [Double] { [offset, Double(shifts), lastTilt ?? .nan] }

  /// Continues from a saved ``state``.
  public mutating func restore(_ s: [Double]) {
    offset = s[0]
    shifts = Int(s[1])
    lastTilt = s[2].isNaN ? nil : s[2]
  }

  /// Measures the wall in `m` (NaN position and tilt if there is no wall).
  public mutating func observe(_ m: VectorField, magnet: Magnet) -> Observation {
    let (q, phi) = follow(m, magnet: magnet)
    return Observation(position: q, tilt: phi, width: wall.width(m, grid: magnet.grid, mask: { magnet.isMagnetic($0) }))
  }

  /// The wall's position and tilt only (unwrapped as ``observe`` does), for
  /// following it at every step without the width's pass.
  public mutating func follow(_ m: VectorField, magnet: Magnet) -> (position: Double, tilt: Double) {
    let mask: (Int) -> Bool = { magnet.isMagnetic($0) }
    let q = wall.position(m, grid: magnet.grid, mask: mask).map { $0 + offset } ?? .nan
    var phi = wall.tilt(m, grid: magnet.grid, mask: mask) ?? .nan
    if let last = lastTilt, phi.isFinite {
      // Unwrap: choose the branch φ + 2πk nearest the previous value.
      phi += 2 * Double.pi * ((last - phi) / (2 * Double.pi)).rounded()
    }
    if phi.isFinite { lastTilt = phi }
    return (q, phi)
  }

  /// Adds the displacement of a continuously moving frame (``ComovingFrame``) to ``offset``.
  public mutating func advanceFrame(by displacement: Double) { offset += displacement }

  /// Shifts m if the wall has left the centre; returns whether it did.
  public mutating func recenter(_ m: inout VectorField, magnet: Magnet) -> Bool {
    guard movingFrame else { return false }
    let g = magnet.grid
    guard let q = wall.position(m, grid: g, mask: { magnet.isMagnetic($0) }) else { return false }
    let centre = Double(g.nx) * g.dx / 2
    let cells = ((q - centre) / g.dx)
    guard abs(cells) > threshold else { return false }
    let s = Int(cells.rounded())
    let leftDomain = wall.easyAxis, rightDomain = -wall.easyAxis
    m.withMutablePlanes { x, y, z in
      for iy in 0..<g.ny {
        let row = iy * g.nx
        if s > 0 {
          for ix in 0..<g.nx {
            let src = ix + s
            let v = src < g.nx ? SIMD3(x[row + src], y[row + src], z[row + src]) : rightDomain
            x[row + ix] = v.x
            y[row + ix] = v.y
            z[row + ix] = v.z
          }
        } else {
          for ix in stride(from: g.nx - 1, through: 0, by: -1) {
            let src = ix + s
            let v = src >= 0 ? SIMD3(x[row + src], y[row + src], z[row + src]) : leftDomain
            x[row + ix] = v.x
            y[row + ix] = v.y
            z[row + ix] = v.z
          }
        }
      }
    }
    magnet.clean(&m)
    offset += Double(s) * g.dx
    shifts += 1
    return true
  }
}

/// The wall velocity from a sampled trajectory q(t), φ(t) (unwrapped).
public struct WallVelocity: Sendable, Equatable {
  /// How the wall moved in the analysis window.
  public enum Regime: String, Sendable {
    case steady, precessing
  }

  /// Velocity, m/s: the least-squares slope of q(t) (steady), or the mean
  /// over whole half-turns of φ (precessing).
  public var velocity: Double
  /// The regime.
  public var regime: Regime
  /// Period of a full 2π turn of φ, s (precessing only).
  public var period: Double?

  /// A velocity in a regime (with its period when precessing).
  public init(velocity: Double, regime: Regime, period: Double?) {
    self.velocity = velocity
    self.regime = regime
    self.period = period
  }

  /// Analyses the samples with t ≥ `from`: if φ turns by at least π there,
  /// the wall precesses and v = Δq/Δt between the first and last crossing of
  /// φ through φ_a + kπ (whole half-turns, the period of every term of the
  /// model); otherwise v is the slope of a straight-line fit of q(t).
  public static func estimate(times: [Double], positions: [Double], tilts: [Double], from start: Double)
    -> WallVelocity?
  {
    let idx = times.indices.filter { times[$0] >= start && positions[$0].isFinite && tilts[$0].isFinite }
    guard idx.count >= 3 else { return nil }
    let t = idx.map { times[$0] }, q = idx.map { positions[$0] }, p = idx.map { tilts[$0] }
    if abs(p.last! - p.first!) >= Double.pi {
      let direction: Double = p.last! > p.first! ? 1 : -1
      // Crossings of φ through p0 + kπ, interpolated linearly.
      let p0 = p[0]
      var crossings: [(t: Double, q: Double, k: Int)] = []
      for i in 1..<p.count {
        let k0 = Int(((p[i - 1] - p0) * direction / Double.pi).rounded(.down))
        let k1 = Int(((p[i] - p0) * direction / Double.pi).rounded(.down))
        if k1 > k0 {
          let level = p0 + direction * Double(k1) * Double.pi
          let f = (level - p[i - 1]) / (p[i] - p[i - 1])
          crossings.append((t[i - 1] + f * (t[i] - t[i - 1]), q[i - 1] + f * (q[i] - q[i - 1]), k1))
        }
      }
      if let a = crossings.first, let b = crossings.last, b.k > a.k {
        let halfTurns = Double(b.k - a.k)
        return WallVelocity(
          velocity: (b.q - a.q) / (b.t - a.t), regime: .precessing, period: 2 * (b.t - a.t) / halfTurns)
      }
    }
    // Least squares q = v t + c.
    let n = Double(t.count)
    let tm = t.reduce(0, +) / n, qm = q.reduce(0, +) / n
    var stq = 0.0, stt = 0.0
    for i in t.indices {
      stq += (t[i] - tm) * (q[i] - qm)
      stt += (t[i] - tm) * (t[i] - tm)
    }
    return WallVelocity(velocity: stq / stt, regime: .steady, period: nil)
  }
}
