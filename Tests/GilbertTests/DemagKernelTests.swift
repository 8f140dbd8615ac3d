import Foundation
import Gilbert
import Testing

@Suite struct DemagKernelTests {
  @Test func selfTermTraceIsOneAndACubeHasOneThirdEach() {
    let cube = DemagKernel.newell(x: 0, y: 0, z: 0, dx: 2e-9, dy: 2e-9, dz: 2e-9)
    for c in 0..<3 { #expect(abs(cube[c] - 1.0 / 3) < 1e-14, "N[\(c)] = \(cube[c])") }
    #expect(cube[3...].allSatisfy { abs($0) < 1e-15 })
    for (a, b, c) in [(2.5e-9, 2.5e-9, 3e-9), (5e-9, 1e-9, 0.3e-9), (1e-9, 7e-9, 2e-9)] {
      let n = DemagKernel.newell(x: 0, y: 0, z: 0, dx: a, dy: b, dz: c)
      // Round-off of the 80-bit evaluation: 1e-13.
      #expect(abs(n[0] + n[1] + n[2] - 1) < 1e-13, "trace \(n[0] + n[1] + n[2])")
    }
    // A flat cell is mostly N_zz, with N_xx = N_yy by symmetry.
    let flat = DemagKernel.newell(x: 0, y: 0, z: 0, dx: 100e-9, dy: 100e-9, dz: 1e-9)
    #expect(flat[2] > 0.95 && abs(flat[0] - flat[1]) < 1e-15)
  }

  @Test func analyticAndDipoleFormsAgreeWhereTheyMeet() {
    // Where the tensor switches from the analytic form to the quadrature
    // (ρ = 2, 3, 5 cell sizes), both are accurate: the analytic form
    // to ~1e-12 in 80-bit arithmetic at these distances (beyond ρ ≈ 8 its own
    // round-off passes 1e-10 for flat cells, which is why it is not used there), the quadrature to
    // below that. Compare relative to the largest component, for a cubic-ish
    // cell (SP4), a flat one and a tall one (SP5's 2 × 2 × 10 nm).
    for (dx, dy, dz) in [(2.5e-9, 2.5e-9, 3e-9), (5e-9, 5e-9, 1e-9), (2e-9, 2e-9, 10e-9)] {
      let dmax = max(dx, dy, dz)
      for rho in [2.0, 3.0, 5.0] {
        for angle in [0.0, 0.4, 0.785, 1.2, 1.5707963] {
          let x = rho * dmax * cos(angle), y = rho * dmax * sin(angle)
          let exact = DemagKernel.newell(x: x, y: y, z: 0, dx: dx, dy: dy, dz: dz)
          let far = DemagKernel.dipoleAverage(
            x: x, y: y, z: 0, dx: dx, dy: dy, dz: dz, points: DemagKernel.quadraturePoints(rho))
          let scale = exact.map { abs($0) }.max()!
          for c in 0..<6 {
            #expect(abs(exact[c] - far[c]) < 1e-10 * scale, "ρ = \(rho) (\(x), \(y)) [\(c)]: \(exact[c]) vs \(far[c])")
          }
        }
      }
    }
  }

  @Test func wideThinFilmHasNzzNearOne() {
    // The demag factor of the centre cell of a film of 201 × 201 cells of
    // 5 × 5 × 1 nm is Σ_j N_zz(0, j): it tends to 1 as the film widens,
    // with a correction of order t/L = 1e-3.
    var s = 0.0
    for i in -100...100 {
      for j in -100...100 {
        s += DemagKernel.tensor(cells: i, j, 0, dx: 5e-9, dy: 5e-9, dz: 1e-9)[2]
      }
    }
    #expect(s > 0.995 && s < 1, "N_zz = \(s)")
  }

  @Test func inThePlaneOfTheCellHalfTheZTentGivesTheSameKernel() {
    // At z = 0 (every film's kernel) the even z tent is summed over one half
    // with twice the weight and the odd components are zero. Against the
    // whole tent just off the plane (z = 1e-30 m, which changes nothing
    // above rounding): the same to rounding. Each component is a sum of up
    // to 2·12³ terms of both signs, larger than it, so the two orders of
    // summation differ by a few ulps of those terms: measured at most
    // 1.0e-14 of the largest component; 1e-13 allows for another libm.
    var worst = 0.0
    for (i, j) in [(3, 0), (7, 5), (40, 31), (200, 3)] {
      let (dx, dy, dz) = (2.5e-9, 2.5e-9, 3e-9)
      let x = Double(i) * dx, y = Double(j) * dy
      let rho = (x * x + y * y).squareRoot() / dz
      let points = DemagKernel.quadraturePoints(rho)
      let half = DemagKernel.dipoleAverage(x: x, y: y, z: 0, dx: dx, dy: dy, dz: dz, points: points)
      let whole = DemagKernel.dipoleAverage(x: x, y: y, z: 1e-30, dx: dx, dy: dy, dz: dz, points: points)
      let scale = half.map(abs).max()!
      for c in 0..<4 { worst = max(worst, abs(half[c] - whole[c]) / scale) }
      #expect(half[4] == 0 && half[5] == 0)
      #expect(abs(whole[4]) < 1e-13 * scale && abs(whole[5]) < 1e-13 * scale)
    }
    #expect(worst < 1e-13, "largest difference \(worst) of the largest component")
  }
}
