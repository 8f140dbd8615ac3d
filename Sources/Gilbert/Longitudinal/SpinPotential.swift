import RealModule

/// Solves the screened Poisson equation of the paper's Eq. (33) for one spin
/// channel on the conducting cells,
///
///     (−∇² + ℓ⁻²) μ = f,
///
/// with Neumann boundaries (ghost = self) at the grid's edges and next to
/// cells that do not conduct. On a rectangle with one ℓ everywhere the
/// operator is diagonal in the type-II cosine basis and the solve is exact
/// (FFTW's REDFT10/REDFT01): μ̂ = f̂ / (λ_k + ℓ⁻²) with
/// λ_k = (2 − 2cos(π kx/Nx))/dx² + (2 − 2cos(π ky/Ny))/dy². Otherwise
/// (holes, or ℓ varying by region) it is solved by conjugate gradients with
/// a Jacobi preconditioner to a relative residual of 1e-13.
public final class SpinPotentialSolver: @unchecked Sendable {
  let grid: Grid
  let conducts: [Bool]
  let inverseLengthSquared: [Double]
  let stencil: NeighborStencil
  let transform: CosineTransform2D?
  let eigenvalues: [Double]
  /// The number of CG iterations of the last solve (0 with the cosine transform).
  public private(set) var iterations = 0

  /// A solver for `grid` with the given conducting cells and ℓ⁻² per cell
  /// (1/m²); `iterative` forces conjugate gradients even where the cosine
  /// transform applies (to compare the two).
  public init(grid: Grid, conducts: [Bool], inverseLengthSquared: [Double], iterative: Bool = false) {
    self.grid = grid
    self.conducts = conducts
    self.inverseLengthSquared = inverseLengthSquared
    stencil = NeighborStencil(grid: grid, isActive: { conducts[$0] })
    let uniform =
      !iterative && conducts.allSatisfy { $0 } && !grid.periodicX
      && inverseLengthSquared.allSatisfy { $0 == inverseLengthSquared[0] } && inverseLengthSquared[0] > 0
    if uniform {
      transform = CosineTransform2D(rows: grid.ny, columns: grid.nx)
      var ev = [Double](repeating: 0, count: grid.cellCount)
      for ky in 0..<grid.ny {
        for kx in 0..<grid.nx {
          let lx = (2 - 2 * Double.cos(Double.pi * Double(kx) / Double(grid.nx))) / (grid.dx * grid.dx)
          let ly =
            grid.ny == 1 ? 0 : (2 - 2 * Double.cos(Double.pi * Double(ky) / Double(grid.ny))) / (grid.dy * grid.dy)
          ev[ky * grid.nx + kx] = lx + ly + inverseLengthSquared[0]
        }
      }
      eigenvalues = ev
    } else {
      transform = nil
      eigenvalues = []
    }
  }

  /// Whether the exact cosine-transform path is used.
  public var usesCosineTransform: Bool { transform != nil }

  /// A μ = (−∇² + ℓ⁻²) μ on the conducting cells (zero elsewhere).
  public func apply(_ mu: [Double]) -> [Double] {
    var out = [Double](repeating: 0, count: mu.count)
    let ix2 = 1 / (grid.dx * grid.dx), iy2 = 1 / (grid.dy * grid.dy)
    let (l, r, d, u) = (stencil.left, stencil.right, stencil.down, stencil.up)
    for i in 0..<mu.count where conducts[i] {
      var s = inverseLengthSquared[i] * mu[i]
      s += (2 * mu[i] - mu[Int(l[i])] - mu[Int(r[i])]) * ix2
      if grid.ny > 1 { s += (2 * mu[i] - mu[Int(d[i])] - mu[Int(u[i])]) * iy2 }
      out[i] = s
    }
    return out
  }

  /// The solution μ of (−∇² + ℓ⁻²) μ = f (zero on cells that do not conduct).
  public func solve(_ f: [Double], initialGuess: [Double]? = nil) -> [Double] {
    let n = grid.cellCount
    if let t = transform {
      for i in 0..<n { t.buffer[i] = f[i] }
      t.forward()
      let s = 1 / t.roundTripScale
      for k in 0..<n { t.buffer[k] *= s / eigenvalues[k] }
      t.backward()
      iterations = 0
      return (0..<n).map { t.buffer[$0] }
    }
    // Conjugate gradients, Jacobi-preconditioned.
    let ix2 = 1 / (grid.dx * grid.dx), iy2 = 1 / (grid.dy * grid.dy)
    var diag = [Double](repeating: 1, count: n)
    for i in 0..<n where conducts[i] {
      var dd = inverseLengthSquared[i]
      if Int(stencil.left[i]) != i { dd += ix2 }
      if Int(stencil.right[i]) != i { dd += ix2 }
      if grid.ny > 1 {
        if Int(stencil.down[i]) != i { dd += iy2 }
        if Int(stencil.up[i]) != i { dd += iy2 }
      }
      diag[i] = dd > 0 ? dd : 1
    }
    var x = initialGuess ?? [Double](repeating: 0, count: n)
    let b = (0..<n).map { conducts[$0] ? f[$0] : 0 }
    iterations = ConjugateGradient.solve(apply, b: b, diagonal: diag, x: &x, tolerance: 1e-13)
    return x
  }
}
