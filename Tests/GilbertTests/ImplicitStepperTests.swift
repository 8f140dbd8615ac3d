import Foundation
import Gilbert
import Testing

/// The stiff integrator (``ImplicitStepper``): closed forms, its order, and
/// agreement with RK45 on a stiff wire.
@Suite struct ImplicitStepperTests {
  /// Largest |m − m_exact| of the macrospin over `end`, with steps fixed at
  /// `dt` (a tolerance no step reaches) or adaptive to `tolerance`.
  func macrospinError(dt: Double, tolerance: Double?, end: Double) throws -> Double {
    let s = Macrospin()
    var llg = s.equation()
    var stepper = ImplicitStepper<LLG>(cellCount: 1, rowLength: 1, timeStep: dt, tolerance: tolerance ?? 1)
    if tolerance == nil {
      // Fixed steps: no step reaches tolerance 1, and the stages are solved
      // to 1e-13 so that only the method's own error remains.
      stepper.maximumStep = dt
      stepper.newtonTolerance = 1e-13
    }
    var m = s.start
    var t = 0.0
    var worst = 0.0
    for k in 1...20 {
      let target = end * Double(k) / 20
      while t < target { try stepper.step(&llg, m: &m, time: &t, limit: target) }
      let d = m[0] - s.exact(t)
      worst = max(worst, (d * d).sum().squareRoot())
    }
    return worst
  }

  @Test func macrospinMatchesClosedForm() throws {
    // 1 ns is 2.8 precession periods; the per-step tolerance 1e-9 over about
    // a thousand steps bounds the global error near 1e-6.
    let err = try macrospinError(dt: 1e-13, tolerance: 1e-9, end: 1e-9)
    #expect(err < 1e-5, "max |m − m_exact| = \(err)")
  }

  @Test func errorFallsAsTheCubeOfTheStep() throws {
    // Third order: halving a fixed step divides the global error by 2³ = 8.
    let e1 = try macrospinError(dt: 2e-12, tolerance: nil, end: 2e-10)
    let e2 = try macrospinError(dt: 1e-12, tolerance: nil, end: 2e-10)
    let ratio = e1 / e2
    // 8 ± 1: the asymptotic ratio, with room for the next-order term at these steps.
    #expect(abs(ratio - 8) < 1, "error ratio \(ratio) (errors \(e1), \(e2))")
  }
}

@Suite struct BandedLUTests {
  @Test func solvesABandSystemWithPivoting() {
    // A random 40 × 40 band matrix (kl = ku = 5) with a zero diagonal entry,
    // so rows must be exchanged; the solution of A x = b is checked against A.
    let n = 40, kl = 5, ku = 5
    var rng = SplitMix64(seed: 7)
    var dense = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
    var lu = BandedLU(n: n, kl: kl, ku: ku)
    for i in 0..<n {
      for j in max(0, i - kl)...min(n - 1, i + ku) {
        let v = (i == 3 && j == 3) ? 0 : 2 * rng.nextUnit() - 1
        dense[i][j] = v
        lu.set(i, j, v)
      }
    }
    let factored = lu.factor()
    #expect(factored)
    let x = (0..<n).map { Double($0) / 7 - 2 }
    var b = (0..<n).map { i in (0..<n).reduce(0.0) { $0 + dense[i][$1] * x[$1] } }
    b.withUnsafeMutableBufferPointer { lu.solve($0.baseAddress!) }
    let worst = zip(b, x).map { abs($0 - $1) }.max()!
    // Pivoted LU of a random well-scaled matrix: round-off of a few 1e-14.
    #expect(worst < 1e-10, "max |x − x_exact| = \(worst)")
  }
}

@Suite struct BlockTridiagonalLUTests {
  /// A block-tridiagonal matrix of `n` 3 × 3 block rows: dense copy and factors.
  func system(n: Int, seed: UInt64, diagonal: Double) -> ([[Double]], BlockTridiagonalLU) {
    var rng = SplitMix64(seed: seed)
    var dense = [[Double]](repeating: [Double](repeating: 0, count: 3 * n), count: 3 * n)
    var lu = BlockTridiagonalLU(count: n)
    for i in 0..<n {
      for e in -1...1 where i + e >= 0 && i + e < n {
        for l in 0..<3 {
          for k in 0..<3 {
            // I − hγ J-like: a random coupling plus `diagonal` on the diagonal.
            let v = (e == 0 && k == l ? diagonal : 0) + 2 * rng.nextUnit() - 1
            dense[3 * i + l][3 * (i + e) + k] = v
            lu.set(row: i, offset: e, l, k, v)
          }
        }
      }
    }
    return (dense, lu)
  }

  @Test func solvesABlockSystemStoredAsPlanes() {
    // 30 block rows, diagonally dominant (as I − hγ J is at every cell): the
    // solution is checked against the dense matrix; the right-hand side sits
    // in planes of a 2-row grid, row 1, as the line preconditioner stores it.
    let n = 30
    let (dense, initial) = system(n: n, seed: 11, diagonal: 6)
    var lu = initial
    let factored = lu.factor()
    #expect(factored)
    let x = (0..<(3 * n)).map { Double($0) / 11 - 3 }
    let b = (0..<(3 * n)).map { i in (0..<(3 * n)).reduce(0.0) { $0 + dense[i][$1] * x[$1] } }
    // planes: component c of cell i of row 1 at c · 2n + n + i
    var planes = [Double](repeating: .nan, count: 6 * n)
    for i in 0..<n { for c in 0..<3 { planes[c * 2 * n + n + i] = b[3 * i + c] } }
    planes.withUnsafeMutableBufferPointer { lu.solve($0.baseAddress!, start: n, planeStride: 2 * n) }
    var worst = 0.0
    for i in 0..<n { for c in 0..<3 { worst = max(worst, abs(planes[c * 2 * n + n + i] - x[3 * i + c])) } }
    // Round-off only: a few 1e-15 for a dominant diagonal.
    #expect(worst < 1e-11, "max |x − x_exact| = \(worst)")
    // Row 0 of the planes is not touched.
    #expect(planes[0].isNaN && planes[2 * n].isNaN)
  }

  @Test func refusesASingularPivotBlock() {
    // A zero first diagonal block cannot be eliminated without pivoting: factor() says so
    // (the preconditioner then uses BandedLU for that row).
    var (_, lu) = system(n: 4, seed: 3, diagonal: 4)
    for l in 0..<3 { for k in 0..<3 { lu.set(row: 0, offset: 0, l, k, 0) } }
    let factored = lu.factor()
    #expect(!factored)
  }
}
