import RealModule

/// The demagnetising tensor between two cells of size dx × dy × dz a
/// displacement (X, Y, Z) apart: H = −N M averaged over the target cell.
///
/// Near the source it is Newell, Williams and Dunlop's analytic form (J.
/// Geophys. Res. 98, 9551 (1993)): the second differences over the cell
/// sizes of f (for N_xx) and g (for N_xy),
///
///     N_xx = (1/(4π dx dy dz)) Σ_{ε ∈ {−1,0,1}³} w(ε) f(X + ε_x dx, Y + ε_y dy, Z + ε_z dz),
///     w(ε) = Π_i (ε_i = 0 ? 2 : −1)
///
/// evaluated in 80-bit floating point, because the 27 terms of size R³ cancel
/// to a result of size d⁶/R³ (even so it loses about 1e-12 of its value at
/// 8 cells and 1e-8 at 24). Away from the source the tensor is computed
/// instead as the point-dipole kernel −(1/4π) ∂a∂b(1/r) averaged over the
/// source and target cells, which is the same quantity exactly, by Gauss–
/// Legendre quadrature of the "tent" density of the displacement between a
/// point of one cell and a point of the other (the convolution of two boxes).
/// This plays the role of OOMMF's asymptotic expansion: its error falls as
/// (d/2R)^(2n) with n points per half-tent, and no digits cancel.
public enum DemagKernel {
  typealias R = Float80

  static func safeAsinh(_ a: R, _ b2: R) -> R {
    if b2 == 0 { return 0 }
    let x = a / b2.squareRoot()
    // asinh is odd; use the stable branch for negative arguments.
    return x >= 0 ? R.log(x + (x * x + 1).squareRoot()) : -R.log(-x + (x * x + 1).squareRoot())
  }

  static func atanRatio(_ num: R, _ den: R) -> R {
    if den == 0 { return 0 }  // the prefactor vanishes where the denominator does
    return R.atan(num / den)
  }

  /// Newell's f(x, y, z).
  static func f(_ x0: R, _ y0: R, _ z0: R) -> R {
    let x = abs(x0), y = abs(y0), z = abs(z0)
    let x2 = x * x, y2 = y * y, z2 = z * z
    let r = (x2 + y2 + z2).squareRoot()
    var s: R = (2 * x2 - y2 - z2) * r / 6
    if y > 0 { s += y / 2 * (z2 - x2) * safeAsinh(y, x2 + z2) }
    if z > 0 { s += z / 2 * (y2 - x2) * safeAsinh(z, x2 + y2) }
    if x > 0 && y > 0 && z > 0 { s -= x * y * z * atanRatio(y * z, x * r) }
    return s
  }

  /// Newell's g(x, y, z).
  static func g(_ x0: R, _ y0: R, _ z: R) -> R {
    // g is odd in x and in y: evaluate at |x|, |y| and restore the sign.
    let sign: R = (x0 < 0) != (y0 < 0) ? -1 : 1
    let x = abs(x0), y = abs(y0), zz = abs(z)
    let x2 = x * x, y2 = y * y, z2 = zz * zz
    let r = (x2 + y2 + z2).squareRoot()
    var s: R = -x * y * r / 3
    if zz > 0 { s += x * y * zz * safeAsinh(zz, x2 + y2) }
    if y > 0 { s += y / 6 * (3 * z2 - y2) * safeAsinh(x, y2 + z2) }
    if x > 0 { s += x / 6 * (3 * z2 - x2) * safeAsinh(y, x2 + z2) }
    if zz > 0 { s -= z2 * zz / 6 * atanRatio(x * y, zz * r) }
    if y > 0 && zz > 0 { s -= zz * y2 / 2 * atanRatio(x * zz, y * r) }
    if x > 0 && zz > 0 { s -= zz * x2 / 2 * atanRatio(y * zz, x * r) }
    return sign * s
  }

  /// Σ_{ε∈{−1,0,1}³} Π_i c(ε_i) h(X + ε_x dx, Y + ε_y dy, Z + ε_z dz), c(0) = 2, c(±1) = −1:
  /// the product of the second differences −(h(u+d) − 2h(u) + h(u−d)) in each direction.
  static func secondDifference(_ h: (R, R, R) -> R, _ x: R, _ y: R, _ z: R, _ dx: R, _ dy: R, _ dz: R) -> R {
    var s: R = 0
    for i in -1...1 {
      let ci: R = i == 0 ? 2 : -1
      for j in -1...1 {
        let cj: R = j == 0 ? 2 : -1
        for k in -1...1 {
          let ck: R = k == 0 ? 2 : -1
          s += ci * cj * ck * h(x + R(i) * dx, y + R(j) * dy, z + R(k) * dz)
        }
      }
    }
    return s
  }

  /// The six components (xx, yy, zz, xy, xz, yz) from the analytic form.
  public static func newell(x: Double, y: Double, z: Double, dx: Double, dy: Double, dz: Double) -> [Double] {
    let (X, Y, Z, a, b, c) = (R(x), R(y), R(z), R(dx), R(dy), R(dz))
    let scale = 1 / (4 * R.pi * a * b * c)
    let xx = secondDifference({ f($0, $1, $2) }, X, Y, Z, a, b, c)
    let yy = secondDifference({ f($1, $0, $2) }, X, Y, Z, a, b, c)
    let zz = secondDifference({ f($2, $1, $0) }, X, Y, Z, a, b, c)
    let xy = secondDifference({ g($0, $1, $2) }, X, Y, Z, a, b, c)
    let xz = secondDifference({ g($0, $2, $1) }, X, Y, Z, a, b, c)
    let yz = secondDifference({ g($1, $2, $0) }, X, Y, Z, a, b, c)
    return [xx, yy, zz, xy, xz, yz].map { Double($0 * scale) }
  }

  /// Gauss–Legendre nodes and weights on [0, 1] with `n` points (Golub–Welsch
  /// would do; Newton on the Legendre polynomial is enough here).
  static func gaussLegendre(_ n: Int) -> [(x: Double, w: Double)] {
    var out: [(Double, Double)] = []
    for i in 1...n {
      var x = Double.cos(Double.pi * (Double(i) - 0.25) / (Double(n) + 0.5))
      var dp = 0.0
      for _ in 0..<100 {
        var p0 = 1.0, p1 = x
        for k in 2...max(2, n) {
          let pk = ((2 * Double(k) - 1) * x * p1 - (Double(k) - 1) * p0) / Double(k)
          p0 = p1
          p1 = pk
        }
        if n == 1 {
          p1 = x
          p0 = 1
        }
        dp = Double(n) * (x * p1 - p0) / (x * x - 1)
        let dx = p1 / dp
        x -= dx
        if abs(dx) < 1e-16 { break }
      }
      let w = 2 / ((1 - x * x) * dp * dp)
      out.append(((1 + x) / 2, w / 2))
    }
    return out
  }

  static let gaussTables: [Int: [(x: Double, w: Double)]] = {
    var t: [Int: [(x: Double, w: Double)]] = [:]
    for n in [2, 3, 4, 6, 8, 12] { t[n] = gaussLegendre(n) }
    return t
  }()

  /// The six components from the averaged point-dipole kernel (far field).
  public static func dipoleAverage(
    x: Double, y: Double, z: Double, dx: Double, dy: Double, dz: Double, points: Int = 4
  ) -> [Double] {
    let gauss = gaussTables[points] ?? gaussLegendre(points)
    // Displacement u_i between a point of the target and one of the source
    // cell has the tent density (1 − |u|/d)/d on [−d, d]. Each half is
    // integrated with the Gauss points: u = ±d t, weight (1 − t) dt.
    // In the plane of the cell (z = 0, every film's kernel) the z tent is
    // even: its two halves give the same even terms and cancel in the odd
    // ones (xz, yz), so one half is summed twice (half the set-up of a film).
    // The points live on the stack: arrays of them, built and freed a
    // million times, were a third of a 1024² film's set-up.
    let inPlane = z == 0 && dz > 0
    let g = gauss.count
    var (n0, n1, n2, n3, n4, n5) = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    withUnsafeTemporaryAllocation(of: Double.self, capacity: 12 * g + 6) { buffer in
      let p = buffer.baseAddress!
      // Writes the tent of d at `at` (u then w, `count` each), the negative
      // half first; returns the count.
      func tent(_ d: Double, at base: UnsafeMutablePointer<Double>, halves: [Double], doubled: Bool) -> Int {
        if d == 0 {
          (base[0], base[2 * g]) = (0, 1)
          return 1
        }
        var count = 0
        for s in halves {
          for q in gauss {
            base[count] = s * d * q.x
            base[2 * g + count] = doubled ? 2 * ((1 - q.x) * q.w) : (1 - q.x) * q.w
            count += 1
          }
        }
        return count
      }
      let ux = p, uy = p + 4 * g + 2, uz = p + 8 * g + 4
      let cx = tent(dx, at: ux, halves: [-1, 1], doubled: false)
      let cy = tent(dy, at: uy, halves: [-1, 1], doubled: false)
      let cz = inPlane ? tent(dz, at: uz, halves: [1], doubled: true) : tent(dz, at: uz, halves: [-1, 1], doubled: false)
      let wx = ux + 2 * g, wy = uy + 2 * g, wz = uz + 2 * g
      for a in 0..<cx {
        for b in 0..<cy {
          for c in 0..<cz {
            let rx = x + ux[a], ry = y + uy[b], rz = z + uz[c]
            let r2 = rx * rx + ry * ry + rz * rz
            let r = r2.squareRoot()
            let inv5 = 1 / (r2 * r2 * r)
            let w = wx[a] * wy[b] * wz[c]
            // N_ab = −(1/4π) ∂a∂b(1/r) V = (V/4π)(δ_ab r² − 3 r_a r_b)/r⁵; V cancels with the 1/V of the average.
            n0 += w * (r2 - 3 * rx * rx) * inv5
            n1 += w * (r2 - 3 * ry * ry) * inv5
            n2 += w * (r2 - 3 * rz * rz) * inv5
            n3 += w * (-3 * rx * ry) * inv5
            if !inPlane {
              n4 += w * (-3 * rx * rz) * inv5
              n5 += w * (-3 * ry * rz) * inv5
            }
          }
        }
      }
    }
    let v = dx * dy * dz / (4 * Double.pi)
    return [n0 * v, n1 * v, n2 * v, n3 * v, n4 * v, n5 * v]
  }

  /// The tensor for a displacement of (i, j, k) cells. With ρ = |r|/max(dx, dy, dz):
  /// the analytic form for ρ < 2, and the averaged dipole kernel beyond,
  /// with the Gauss order falling as ρ grows. Measured against the analytic
  /// form where both are accurate, the quadrature's relative error is below
  /// 1e-12 at every switch point (Tests/GilbertTests/DemagKernelTests.swift).
  public static func tensor(cells i: Int, _ j: Int, _ k: Int, dx: Double, dy: Double, dz: Double) -> [Double] {
    let x = Double(i) * dx, y = Double(j) * dy, z = Double(k) * dz
    let rho = (x * x + y * y + z * z).squareRoot() / max(dx, dy, dz)
    if rho < 2 { return newell(x: x, y: y, z: z, dx: dx, dy: dy, dz: dz) }
    return dipoleAverage(x: x, y: y, z: z, dx: dx, dy: dy, dz: dz, points: quadraturePoints(rho))
  }

  /// Gauss points per half-tent for a displacement of ρ cell sizes.
  public static func quadraturePoints(_ rho: Double) -> Int {
    switch rho {
    case ..<3: return 12
    case ..<5: return 8
    case ..<10: return 6
    case ..<30: return 4
    default: return 3
    }
  }
}
