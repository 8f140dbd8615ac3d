/// A regular grid of Nx × Ny × Nz cells (Nz = 1: wires and films of one cell
/// thickness, where the wall physics lives; Nz > 1: thick films and bodies,
/// for the terms that have a third dimension), with cell sizes in metres and
/// optional periodicity along x.
///
/// Cells are numbered x fastest, then y, then z:
/// `index = (iz * ny + iy) * nx + ix`. A "row" is one line of Nx cells
/// along x at fixed (iy, iz): there are Ny · Nz of them, row r at
/// iy = r mod Ny, iz = r / Ny.
public struct Grid: Sendable, Equatable {
  /// Number of cells along x, y, z.
  public let nx: Int, ny: Int, nz: Int
  /// Cell size along x, y, z in metres.
  public let dx: Double, dy: Double, dz: Double
  /// Periodic boundary along x (exchange and spatial derivatives wrap around).
  public let periodicX: Bool
  /// Periodic boundaries along y and z (as along x; demag sums images along them too).
  public let periodicY: Bool, periodicZ: Bool

  /// Creates a grid; sizes must be positive.
  public init(
    nx: Int, ny: Int = 1, nz: Int = 1, dx: Double, dy: Double, dz: Double, periodicX: Bool = false,
    periodicY: Bool = false, periodicZ: Bool = false
  ) {
    precondition(nx > 0 && ny > 0 && nz > 0, "grid must be Nx × Ny × Nz with Nx, Ny, Nz > 0")
    precondition(dx > 0 && dy > 0 && dz > 0, "cell sizes must be positive")
    self.nx = nx
    self.ny = ny
    self.nz = nz
    self.dx = dx
    self.dy = dy
    self.dz = dz
    self.periodicX = periodicX
    self.periodicY = periodicY
    self.periodicZ = periodicZ
  }

  /// Whether the grid is periodic along axis 0, 1, 2 (x, y, z).
  public func isPeriodic(_ axis: Int) -> Bool { axis == 0 ? periodicX : axis == 1 ? periodicY : periodicZ }

  /// The cell `step` (±1) cells from cell i along `axis` (0, 1, 2): wrapped
  /// where the grid is periodic along it (and has more than one cell), nil
  /// past an open edge.
  @inlinable public func neighbour(_ i: Int, axis: Int, step: Int) -> Int? {
    let (count, stride) = axis == 0 ? (nx, 1) : axis == 1 ? (ny, nx) : (nz, nx * ny)
    let k = (i / stride) % count + step
    if k >= 0 && k < count { return i + step * stride }
    guard count > 1, axis == 0 ? periodicX : axis == 1 ? periodicY : periodicZ else { return nil }
    return i + step * stride - step * count * stride
  }

  /// Total number of cells.
  public var cellCount: Int { nx * ny * nz }
  /// Volume of one cell, m³.
  public var cellVolume: Double { dx * dy * dz }
  /// Cells in one layer (Nx · Ny).
  public var layerCount: Int { nx * ny }
  /// Rows along x (Ny · Nz).
  public var rowCount: Int { ny * nz }
  /// Linear index of cell (ix, iy, iz).
  @inlinable public func index(_ ix: Int, _ iy: Int, _ iz: Int = 0) -> Int { (iz * ny + iy) * nx + ix }
  /// The (ix, iy, iz) of linear index i.
  public func cell(_ i: Int) -> (ix: Int, iy: Int, iz: Int) { (i % nx, (i / nx) % ny, i / (nx * ny)) }
  /// Where cell i is, for messages: "cell i (ix = …, iy = …[, iz = …]; x = … m, y = … m[, z = … m])".
  public func describe(_ i: Int) -> String {
    let (ix, iy, iz) = cell(i)
    let (x, y) = center(ix, iy)
    if nz == 1 { return "cell \(i) (ix = \(ix), iy = \(iy); x = \(x) m, y = \(y) m)" }
    return "cell \(i) (ix = \(ix), iy = \(iy), iz = \(iz); x = \(x) m, y = \(y) m, z = \(centerZ(iz)) m)"
  }
  /// Centre of layer iz along z, m, from the grid's bottom face.
  public func centerZ(_ iz: Int) -> Double { (Double(iz) + 0.5) * dz }
  /// The one-layer grid with this grid's Nx, Ny and cell size.
  public var layer: Grid { Grid(nx: nx, ny: ny, nz: 1, dx: dx, dy: dy, dz: dz, periodicX: periodicX, periodicY: periodicY) }
  /// Centre of cell (ix, iy) along x and y, m, with the origin at the grid's corner.
  public func center(_ ix: Int, _ iy: Int) -> (x: Double, y: Double) {
    ((Double(ix) + 0.5) * dx, (Double(iy) + 0.5) * dy)
  }
}
