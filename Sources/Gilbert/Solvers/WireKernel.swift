/// The right-hand side of a uniform 1D wire in one pass over memory: the
/// case every velocity-map point is.
///
/// ``LLG`` evaluates its terms one at a time, each a loop over the cells
/// (the field terms into B, then −γ m × B, each current torque with its own
/// central differences, the damping, the co-moving frame with its own
/// differences again). For a wire of one row, one material, every cell
/// magnetic, with only exchange, uniaxial anisotropies, a Zeeman field,
/// Zhang–Li and δβ (and optionally the continuous frame), this kernel does
/// the same arithmetic in one loop: m_{i−1}, m_i, m_{i+1} are read once,
/// ∂x m is formed once for both torques and the frame, and nothing but dm/dt
/// (and the frame's gradient) is written. The operations and their order are
/// those of the general path, less products with an exact zero (∂y m in a
/// wire, the zero components of a coordinate axis or of u along x), so the
/// two agree to the last bit up to the sign of a zero (a test holds them to
/// it). ``LLG`` uses it whenever its terms allow (the failable initialiser
/// says when).
///
/// One thread: at the sizes a wall needs (10²–10⁴ cells, a few µs to
/// ~40 µs a call) forking costs about what it saves.
struct WireKernel: Sendable {
  let n: Int
  let periodic: Bool
  /// 2A/(Ms dx²), T.
  let exchange: Double
  /// Per anisotropy: 0, 1 or 2 when its axis is x, y or z exactly, else −1.
  let axisIndex: [Int]
  /// Whether u has no y and z components.
  let uAlongX: Bool
  /// Each uniaxial anisotropy's unit axis and 2K1/Ms (T), in term order.
  let anisotropies: [(axis: SIMD3<Double>, coefficient: Double)]
  /// The Zeeman terms (their field may depend on time).
  let zeeman: [Zeeman]
  /// The field terms after exchange, in order: an anisotropy (index ≥ 0)
  /// or a Zeeman term (−1 − index).
  let order: [Int]
  /// The amplitude of u (m/s), β and δβ; u nil without a current or current torques.
  let u: SIMD3<Double>?
  /// The current's time profile: u at time t is s(t) times the amplitude.
  let profile: TimeProfile
  let beta: Double?, deltaBeta: Double?
  /// Order in which the torques were registered: true = Zhang–Li first.
  let zhangLiFirst: Bool
  let alpha: Double
  /// 1/(2dx), 1/m.
  let halfInverseDx: Double

  /// The kernel for `llg`'s magnet and terms, or nil when they are not a
  /// uniform 1D wire with the terms above.
  init?(magnet: Magnet, fieldTerms: [any FieldTerm], torqueTerms: [any TorqueTerm], drive: Drive) {
    let g = magnet.grid
    guard g.ny == 1, g.nz == 1, g.nx >= 3 else { return nil }
    let ms = magnet.saturationMagnetization
    guard let ms0 = ms.first, ms0 > 0, ms.allSatisfy({ $0 == ms0 }) else { return nil }
    guard let a0 = magnet.damping.first, magnet.damping.allSatisfy({ $0 == a0 }) else { return nil }
    n = g.nx
    periodic = g.periodicX
    alpha = a0
    halfInverseDx = 0.5 / g.dx
    var exchange: Double? = nil
    var anisotropies: [(SIMD3<Double>, Double)] = []
    var zeeman: [Zeeman] = []
    var order: [Int] = []
    for (k, term) in fieldTerms.enumerated() {
      switch term {
      case let e as Exchange:
        // Exchange first (B starts from it), one coupling everywhere.
        guard k == 0 else { return nil }
        let c = e.right[0]
        for i in 0..<n {
          let l = e.left[i], r = e.right[i]
          guard (l == c || (l == 0 && i == 0 && !periodic)) && (r == c || (r == 0 && i == n - 1 && !periodic))
          else { return nil }
        }
        exchange = c
      case let a as UniaxialAnisotropy:
        guard let c0 = a.coefficient.first, a.coefficient.allSatisfy({ $0 == c0 }) else { return nil }
        order.append(anisotropies.count)
        anisotropies.append((a.axis, c0))
      case let z as Zeeman:
        guard z.perCell == nil else { return nil }  // the kernel adds one field to every cell
        order.append(-1 - zeeman.count)
        zeeman.append(z)
      default: return nil
      }
    }
    guard let exchange else { return nil }
    self.exchange = exchange
    self.anisotropies = anisotropies
    axisIndex = anisotropies.map { a in
      a.0 == SIMD3(1, 0, 0) ? 0 : a.0 == SIMD3(0, 1, 0) ? 1 : a.0 == SIMD3(0, 0, 1) ? 2 : -1
    }
    self.zeeman = zeeman
    self.order = order
    var beta: Double? = nil, deltaBeta: Double? = nil
    var zhangLiFirst = true
    for term in torqueTerms {
      switch term {
      case let t as ZhangLiTorque:
        guard beta == nil, let b0 = t.core.coefficient.first, t.core.coefficient.allSatisfy({ $0 == b0 }) else {
          return nil
        }
        beta = b0
      case let t as AnisotropicBetaTorque:
        guard deltaBeta == nil, let d0 = t.core.coefficient.first, t.core.coefficient.allSatisfy({ $0 == d0 })
        else { return nil }
        if beta == nil { zhangLiFirst = false }
        deltaBeta = d0
      default: return nil
      }
    }
    self.beta = beta
    self.deltaBeta = deltaBeta
    self.zhangLiFirst = zhangLiFirst
    profile = drive.profile
    if let v = drive.velocity, beta != nil || deltaBeta != nil {
      let u0 = v[0]
      for i in 0..<n where v[i] != u0 { return nil }
      u = u0
      uAlongX = u0.y == 0 && u0.z == 0
    } else {
      u = nil
      uAlongX = true
    }
  }

  /// Four cells at a time.
  typealias V = SIMD4<Double>

  /// dm/dt into `dmdt`; with a `frame`, also its gradient (∂x m)⊥, v_f
  /// (unless frozen) and the frame term.
  ///
  /// Cells are taken four at a time in SIMD lanes (each lane does exactly
  /// the scalar operations of the general path, so the results are the
  /// same to the bit); the frame's two sums are then taken by
  /// ``ComovingFrame/finish(dmdt:)``, as the general path takes them.
  func evaluate(m: VectorField, time: Double, into dmdt: inout VectorField, frame: inout ComovingFrame?) {
    let n = n, periodic = periodic
    let fields = zeeman.map { $0.field(at: time) }
    let s = profile.value(at: time)
    let u = u.map { s * $0 }
    let withFrame = frame != nil
    var gradient = frame?.gradient ?? VectorField(count: 0)
    if withFrame { frame!.gradient = VectorField(count: 0) }  // no second reference while we write it
    m.withPlanes { mx, my, mz in
      dmdt.withMutablePlanes { tx, ty, tz in
        gradient.withMutablePlanes { gx, gy, gz in
          var i = 0
          while i < n {
            let interior = i >= 1 && i + 4 <= n - 1
            var x0 = V(), y0 = V(), z0 = V(), xl = V(), yl = V(), zl = V(), xr = V(), yr = V(), zr = V()
            if interior {
              x0 = V.load(mx, i)
              y0 = V.load(my, i)
              z0 = V.load(mz, i)
              xl = V.load(mx, i - 1)
              yl = V.load(my, i - 1)
              zl = V.load(mz, i - 1)
              xr = V.load(mx, i + 1)
              yr = V.load(my, i + 1)
              zr = V.load(mz, i + 1)
            } else {
              // Edge or last block: gather with the edge rules; lanes past n repeat cell n − 1.
              for k in 0..<4 {
                let c = min(i + k, n - 1)
                let l = c > 0 ? c - 1 : (periodic ? n - 1 : c)
                let r = c < n - 1 ? c + 1 : (periodic ? 0 : c)
                x0[k] = mx[c]
                y0[k] = my[c]
                z0[k] = mz[c]
                xl[k] = mx[l]
                yl[k] = my[l]
                zl[k] = mz[l]
                xr[k] = mx[r]
                yr[k] = my[r]
                zr[k] = mz[r]
              }
            }
            let out = cells(
              x0: x0, y0: y0, z0: z0, xl: xl, yl: yl, zl: zl, xr: xr, yr: yr, zr: zr, u: u, fields: fields,
              frame: withFrame)
            if interior {
              out.dx.store(tx, i)
              out.dy.store(ty, i)
              out.dz.store(tz, i)
              if withFrame {
                out.gx.store(gx, i)
                out.gy.store(gy, i)
                out.gz.store(gz, i)
              }
            } else {
              for k in 0..<min(4, n - i) {
                tx[i + k] = out.dx[k]
                ty[i + k] = out.dy[k]
                tz[i + k] = out.dz[k]
                if withFrame {
                  gx[i + k] = out.gx[k]
                  gy[i + k] = out.gy[k]
                  gz[i + k] = out.gz[k]
                }
              }
            }
            i += 4
          }
        }
      }
    }
    guard withFrame else { return }
    frame!.gradient = gradient
    frame!.finish(dmdt: &dmdt)
  }

  /// dm/dt and (∂x m)⊥ of four cells from m and its two neighbours: the
  /// operations of ``LLG``'s general path, lane by lane.
  @inline(__always)
  func cells(
    x0: V, y0: V, z0: V, xl: V, yl: V, zl: V, xr: V, yr: V, zr: V, u: SIMD3<Double>?, fields: [SIMD3<Double>],
    frame: Bool
  ) -> (dx: V, dy: V, dz: V, gx: V, gy: V, gz: V) {
    let c = V(repeating: exchange)
    // B: exchange, then the anisotropies and Zeeman fields in term order.
    var bx = c * (xl - x0) + c * (xr - x0)
    var by = c * (yl - y0) + c * (yr - y0)
    var bz = c * (zl - z0) + c * (zr - z0)
    for k in order {
      if k >= 0 {
        let (axis, coefficient) = anisotropies[k]
        // Along a coordinate axis the other components only add zeros.
        switch axisIndex[k] {
        case 0: bx += coefficient * x0
        case 1: by += coefficient * y0
        case 2: bz += coefficient * z0
        default:
          let p = coefficient * (x0 * axis.x + y0 * axis.y + z0 * axis.z)
          bx += p * axis.x
          by += p * axis.y
          bz += p * axis.z
        }
      } else {
        let f = fields[-1 - k]
        bx += V(repeating: f.x)
        by += V(repeating: f.y)
        bz += V(repeating: f.z)
      }
    }
    // T = −γ m × B.
    let gamma = -PhysicalConstants.gammaLL
    var tx = gamma * (y0 * bz - z0 * by)
    var ty = gamma * (z0 * bx - x0 * bz)
    var tz = gamma * (x0 * by - y0 * bx)
    // ∂x m by central differences.
    let h = halfInverseDx
    let ex = (xr - xl) * h, ey = (yr - yl) * h, ez = (zr - zl) * h
    if let u {
      // Each torque as its formula (ZhangLi, AnisotropicBeta) computes it
      // (dy = 0), then added in the terms' order (an absent one adds zeros).
      var zx = V(), zy = V(), zz = V(), wx = V(), wy = V(), wz = V()
      if let beta {
        // (u·∇)m with ∂y m = 0.
        let dX = u.x * ex, dY = u.x * ey, dZ = u.x * ez
        let p = (x0 * dX + y0 * dY + z0 * dZ) / (x0 * x0 + y0 * y0 + z0 * z0)
        zx = beta * (y0 * dZ - z0 * dY) - (dX - p * x0)
        zy = beta * (z0 * dX - x0 * dZ) - (dY - p * y0)
        zz = beta * (x0 * dY - y0 * dX) - (dZ - p * z0)
      }
      if let deltaBeta {
        let k = uAlongX ? deltaBeta * (x0 * u.x) : deltaBeta * (x0 * u.x + y0 * u.y + z0 * u.z)
        // (m·∇)m with ∂y m = 0.
        let dX = x0 * ex, dY = x0 * ey, dZ = x0 * ez
        wx = k * (y0 * dZ - z0 * dY)
        wy = k * (z0 * dX - x0 * dZ)
        wz = k * (x0 * dY - y0 * dX)
      }
      let (first, second) = zhangLiFirst ? ((zx, zy, zz), (wx, wy, wz)) : ((wx, wy, wz), (zx, zy, zz))
      tx += first.0
      ty += first.1
      tz += first.2
      tx += second.0
      ty += second.1
      tz += second.2
    }
    // dm/dt = (T + α m × T)/(1 + α²).
    let a = alpha, s = 1 / (1 + alpha * alpha)
    let cx = y0 * tz - z0 * ty
    let cy = z0 * tx - x0 * tz
    let cz = x0 * ty - y0 * tx
    let dx = s * (tx + a * cx), dy = s * (ty + a * cy), dz = s * (tz + a * cz)
    guard frame else { return (dx, dy, dz, V(), V(), V()) }
    // (∂x m)⊥ as ComovingFrame takes it.
    let p = (x0 * ex + y0 * ey + z0 * ez) / (x0 * x0 + y0 * y0 + z0 * z0)
    return (dx, dy, dz, ex - p * x0, ey - p * y0, ez - p * z0)
  }
}
