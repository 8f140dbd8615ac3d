import Gilbert

/// `[mesh]`: the grid, Nx × Ny × Nz cells of dx × dy × dz (m), optionally
/// periodic along x, y and z (`periodic_x`, `periodic_y`, `periodic_z`:
/// exchange, DMI, the current's derivatives and the pass's neighbours wrap;
/// demag sums `demag.images` copies each side). Wires and strips (the wall physics) are one cell thick;
/// Nz > 1 serves the terms with a third dimension (exchange, anisotropy,
/// Zeeman, demag, interfacial DMI in every layer, in-plane currents).
public struct MeshSection: ConfigSection {
  /// The grid.
  public let grid: Grid
  /// The most cells a grid may have (2²⁸: 6 GiB per vector field); the
  /// memory a run needs is checked against the machine's when it is built.
  public static let maximumCells = 1 << 28

  public static func read(from root: ConfigTable, context: ConfigContext) throws(ConfigError) -> MeshSection? {
    guard let mesh = try root.table("mesh") else {
      throw ConfigError(
        key: "mesh", message: "is missing: give [mesh] with n = [Nx, Ny, Nz] and cellsize = [dx, dy, dz] (m)")
    }
    let n = try mesh.numbers(
      "n", count: 3, valid: { $0 >= 1 && $0 <= Double(maximumCells) && $0 == $0.rounded() },
      expected: "positive integers ≤ \(maximumCells)")
    guard n[0] * n[1] * n[2] <= Double(maximumCells) else {
      // The product may not fit an Int (2²¹ per axis is 2⁶³): printed from the doubles.
      let count = String(format: "%.0f", n[0] * n[1] * n[2])
      throw ConfigError(
        key: "mesh.n",
        message:
          "has \(Int(n[0])) × \(Int(n[1])) × \(Int(n[2])) = \(count) cells; a grid has at most \(maximumCells)"
      )
    }
    let cell = try mesh.numbers("cellsize", count: 3, unit: "m", valid: { $0 > 0 }, expected: "positive numbers")
    let periodic = try mesh.bool("periodic_x", default: false)
    let periodicY = try mesh.bool("periodic_y", default: false)
    let periodicZ = try mesh.bool("periodic_z", default: false)
    try mesh.finish()
    return MeshSection(
      grid: Grid(
        nx: Int(n[0]), ny: Int(n[1]), nz: Int(n[2]), dx: cell[0], dy: cell[1], dz: cell[2], periodicX: periodic,
        periodicY: periodicY, periodicZ: periodicZ))
  }

  public var parameters: [RegionParameter] {
    [
      RegionParameter("dx", [grid.dx], unit: "m"), RegionParameter("dy", [grid.dy], unit: "m"),
      RegionParameter("dz", [grid.dz], unit: "m"),
    ]
  }
}
