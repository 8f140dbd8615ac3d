/// A regular grid of Nx × Ny × Nz cells (Nz = 1: wires and films of one cell
/// thickness), with cell sizes in metres and optional periodicity along x.
///
/// Cells are numbered x fastest: `index = iy * nx + ix` (z is a single layer).
public struct Grid: Sendable, Equatable {
  /// Number of cells along x, y, z.
  public let nx: Int, ny: Int, nz: Int
  /// Cell size along x, y, z in metres.
  public let dx: Double, dy: Double, dz: Double
  /// Periodic boundary along x (exchange and spatial derivatives wrap around).
  public let periodicX: Bool

  /// Creates a grid; sizes must be positive and Nz must be 1.
  public init(nx: Int, ny: Int = 1, nz: Int = 1, dx: Double, dy: Double, dz: Double, periodicX: Bool = false) {
    precondition(nx > 0 && ny > 0 && nz == 1, "grid must be Nx × Ny × 1 with Nx, Ny > 0")
    precondition(dx > 0 && dy > 0 && dz > 0, "cell sizes must be positive")
    self.nx = nx
    self.ny = ny
    self.nz = nz
    self.dx = dx
    self.dy = dy
    self.dz = dz
    self.periodicX = periodicX
  }

  /// Total number of cells.
  public var cellCount: Int { nx * ny * nz }
  /// Volume of one cell, m³.
  public var cellVolume: Double { dx * dy * dz }
  /// Linear index of cell (ix, iy).
  @inlinable public func index(_ ix: Int, _ iy: Int) -> Int { iy * nx + ix }
  /// Centre of cell (ix, iy) along x and y, m, with the origin at the grid's corner.
  public func center(_ ix: Int, _ iy: Int) -> (x: Double, y: Double) {
    ((Double(ix) + 0.5) * dx, (Double(iy) + 0.5) * dy)
  }
}
