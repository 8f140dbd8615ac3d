/// A frame that moves along x with a domain wall continuously (Documentation/Physics.md).
///
/// In coordinates x' = x − X(t) moving at v_f = dX/dt the equation of
/// motion gains a transport term,
///
///     ∂t m = LLG(m) + v_f (∂x m)⊥,    (∂x m)⊥ = ∂x m − (m·∂x m) m/|m|²,
///
/// and v_f is chosen at every evaluation so that the wall's integral
/// position Σ_i (m_i·e) dx (e the easy axis) stays put:
///
///     v_f = −Σ e·LLG(m_i) / Σ e·(∂x m_i)⊥.
///
/// A steady wall is then a fixed point, and the absolute position is
/// X = ∫ v_f dt (integrated by the stepper with its stage weights, see
/// ``DynamicEquation/auxiliaryRate``) plus the position in the frame.
/// ∂x m uses the central differences of ``NeighborStencil`` (a free edge is
/// its own ghost). With no wall in the grid (Σ e·(∂x m)⊥ ≈ 0) v_f = 0.
public struct ComovingFrame: Sendable {
  /// The wall's easy axis e (unit).
  public let axis: SIMD3<Double>
  let stencil: NeighborStencil
  let magnetic: [Bool]
  /// Every cell magnetic: the sums run without a mask.
  let allMagnetic: Bool
  let dx: Double
  let rows: Int
  /// (∂x m)⊥ of the last evaluation (owned scratch), 1/m.
  public internal(set) var gradient: VectorField
  /// Σ e·(∂x m)⊥ of the last evaluation, 1/m.
  public private(set) var slope = 0.0
  /// Whether the last evaluation found a wall (a nonzero slope), so v_f was defined.
  public var hasWall: Bool { abs(slope) * dx > 1e-3 * Double(rows) }
  /// v_f of the last evaluation, m/s.
  public private(set) var velocity = 0.0
  /// When true, ``velocity`` is kept instead of recomputed (the stiff
  /// solver's Jacobian treats v_f as a constant; its Krylov iterations see the rest).
  public var frozen = false
  /// ∫ v_f dt accumulated by the stepper since the last ``takeDisplacement()``, m.
  public internal(set) var displacement = 0.0

  /// A frame for `magnet` following a wall with easy axis `axis`.
  public init(magnet: Magnet, axis: SIMD3<Double>) {
    self.axis = axis / (axis * axis).sum().squareRoot()
    stencil = NeighborStencil(magnet: magnet)
    magnetic = (0..<magnet.grid.cellCount).map { magnet.isMagnetic($0) }
    allMagnetic = magnet.allMagnetic
    dx = magnet.grid.dx
    rows = magnet.grid.ny
    gradient = VectorField(count: magnet.grid.cellCount)
  }

  /// Returns and clears the displacement accumulated so far.
  public mutating func takeDisplacement() -> Double {
    defer { displacement = 0 }
    return displacement
  }

  /// Adds v_f (∂x m)⊥ to `dmdt` (which holds LLG(m)), choosing v_f unless ``frozen``.
  mutating func apply(m: VectorField, dmdt: inout VectorField) {
    let n = m.count
    m.withPlanes { mx, my, mz in
      gradient.withMutablePlanes { gx, gy, gz in
        stencil.forEachGradient(m, in: 0..<n) { i, dmdx, _ in
          guard magnetic[i] else { return }
          let mi = SIMD3<Double>(mx[i], my[i], mz[i])
          let p: Double = dot(mi, dmdx) / dot(mi, mi)
          let a: SIMD3<Double> = dmdx - p * mi
          gx[i] = a.x
          gy[i] = a.y
          gz[i] = a.z
        }
      }
    }
    finish(dmdt: &dmdt)
  }

  /// With ``gradient`` filled and `dmdt` holding LLG(m): takes Σ e·(∂x m)⊥
  /// and Σ e·LLG over the magnetic cells, sets the slope and
  /// (unless ``frozen``) v_f, and adds v_f (∂x m)⊥ to `dmdt`.
  mutating func finish(dmdt: inout VectorField) {
    let n = dmdt.count
    let e = axis
    var rate = 0.0, slope = 0.0
    gradient.withPlanes { gx, gy, gz in
      dmdt.withPlanes { tx, ty, tz in
        if allMagnetic {
          // Four partial sums each, so the additions do not wait on one another.
          var s = SIMD4<Double>(), r = SIMD4<Double>()
          var i = 0
          while i + 4 <= n {
            s += e.x * V4.load(gx, i) + e.y * V4.load(gy, i) + e.z * V4.load(gz, i)
            r += e.x * V4.load(tx, i) + e.y * V4.load(ty, i) + e.z * V4.load(tz, i)
            i += 4
          }
          while i < n {
            slope += e.x * gx[i] + e.y * gy[i] + e.z * gz[i]
            rate += e.x * tx[i] + e.y * ty[i] + e.z * tz[i]
            i += 1
          }
          slope += s.sum()
          rate += r.sum()
        } else {
          for i in 0..<n where magnetic[i] {
            slope += e.x * gx[i] + e.y * gy[i] + e.z * gz[i]
            rate += e.x * tx[i] + e.y * ty[i] + e.z * tz[i]
          }
        }
      }
    }
    self.slope = slope
    if !frozen {
      // |Σ e·∂x m| dx is about 2 per row with a wall, 0 without one.
      velocity = hasWall ? -rate / slope : 0
    }
    let v = velocity
    gradient.withPlanes { gx, gy, gz in
      dmdt.withMutablePlanes { tx, ty, tz in
        for i in 0..<n where allMagnetic || magnetic[i] {
          tx[i] += v * gx[i]
          ty[i] += v * gy[i]
          tz[i] += v * gz[i]
        }
      }
    }
  }
}
