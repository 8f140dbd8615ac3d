import RealModule

/// The field that cancels the magnetic charges on the two x ends of a
/// finite strip, so that it behaves as an infinite one (mumax3 offers the
/// same as `ext_rmSurfaceCharge`).
///
/// A strip whose left domain has m_x = a and right domain m_x = b carries
/// surface charges −a Ms on its left face and +b Ms on its right face. This
/// term adds the stray field of the opposite charges: the field of the two
/// semi-infinite continuations of the domains, which is that of their
/// charged faces alone. Faces are taken row by row (rows of equal Ms at the
/// end cell are merged into one rectangle), so a strip with notches or
/// empty rows is handled. The field of a uniformly charged rectangle
/// (σ, spanning [y1, y2] × [z1, z2] in the plane x = x0) is, with
/// X = x − x0, Y = y′ − y, Z = z′ − z and R = √(X² + Y² + Z²),
///
///     H_x = σ/4π · D[atan(Y Z/(X R))],  H_y = σ/4π · D[ln(Z + R)],  H_z = σ/4π · D[ln(Y + R)],
///
/// D[f] = f(Y2, Z2) − f(Y1, Z2) − f(Y2, Z1) + f(Y1, Z1); it is averaged over
/// each cell by 6-point Gauss–Legendre quadrature in x, y and z, as the
/// Newell tensor averages the strip's own field. The field is static (it
/// depends on the domains' m_x only, fixed by the config), energy density
/// −Ms m·B. With the whole-cell moving frame the domains at the ends never
/// change, so the cancellation holds throughout a run.
public struct EndChargeField: LinearFieldTerm {
  public let name = "end_charges"
  public let energyFactor = 1.0
  public let saturationMagnetization: [Double]
  public let cellVolume: Double
  /// The field of every cell, T.
  public let field: VectorField

  /// The compensating field for `magnet` with m_x = `left` in the left
  /// domain and `right` in the right one.
  public init(magnet: Magnet, left: Double, right: Double) {
    let g = magnet.grid
    saturationMagnetization = magnet.saturationMagnetization
    cellVolume = g.cellVolume
    // The faces: (x0, y1, y2, σ) with σ the compensating charge, A/m.
    var faces: [(x: Double, y1: Double, y2: Double, sigma: Double)] = []
    for (column, x0, sign) in [(0, 0.0, 1.0), (g.nx - 1, Double(g.nx) * g.dx, -1.0)] {
      let mx = sign > 0 ? left : right
      var iy = 0
      while iy < g.ny {
        let ms = magnet.saturationMagnetization[g.index(column, iy)]
        var end = iy + 1
        while end < g.ny && magnet.saturationMagnetization[g.index(column, end)] == ms { end += 1 }
        // The strip's face carries ∓ m_x Ms (left: M·n = −m_x Ms); the compensation the opposite.
        if ms > 0 && mx != 0 { faces.append((x0, Double(iy) * g.dy, Double(end) * g.dy, sign * mx * ms)) }
        iy = end
      }
    }
    let z1 = -g.dz / 2, z2 = g.dz / 2
    var b = VectorField(count: g.cellCount)
    for iy in 0..<g.ny {
      for ix in 0..<g.nx where magnet.isMagnetic(g.index(ix, iy)) {
        let (xc, yc) = g.center(ix, iy)
        // Near a face the field varies within a cell; 8 cells away a 3-point
        // rule is exact to ~(1/8)⁶ of the variation.
        // Gauss–Legendre on [0, 1] (the demag kernel's tables): weights sum to 1.
        let gauss = DemagKernel.gaussTables[min(ix, g.nx - 1 - ix) < 8 ? 6 : 3]!
        var h = SIMD3<Double>(0, 0, 0)
        for px in gauss {
          for py in gauss {
            for pz in gauss {
              let w = px.w * py.w * pz.w
              let p = SIMD3(xc + (px.x - 0.5) * g.dx, yc + (py.x - 0.5) * g.dy, (pz.x - 0.5) * g.dz)
              for f in faces {
                h += w * f.sigma * Self.plate(at: p, x0: f.x, y1: f.y1, y2: f.y2, z1: z1, z2: z2)
              }
            }
          }
        }
        b[g.index(ix, iy)] = PhysicalConstants.mu0 * h
      }
    }
    field = b
  }

  /// H (A/m) at `p` of a rectangle of unit charge density in the plane x = x0.
  static func plate(at p: SIMD3<Double>, x0: Double, y1: Double, y2: Double, z1: Double, z2: Double) -> SIMD3<Double> {
    let x = p.x - x0
    var h = SIMD3<Double>(0, 0, 0)
    for (yy, sy) in [(y1, -1.0), (y2, 1.0)] {
      for (zz, sz) in [(z1, -1.0), (z2, 1.0)] {
        let y = yy - p.y, z = zz - p.z
        let r = (x * x + y * y + z * z).squareRoot()
        let s = sy * sz
        h.x += s * Double.atan(y * z / (x * r))
        h.y += s * Double.log(z + r)
        h.z += s * Double.log(y + r)
      }
    }
    return h / (4 * Double.pi)
  }

  public func addField(to b: inout VectorField, m: VectorField, time: Double) { b.add(field) }
}
