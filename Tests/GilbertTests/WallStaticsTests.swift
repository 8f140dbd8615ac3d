import Foundation
import Gilbert
import Testing

/// A relaxed 1D Bloch-point-free wall (easy axis x, hard axis z) against
/// Δ = √(A/K) and σ = 4√(AK).
@Suite struct WallStaticsTests {
  let a = 1.3e-11, k = 5e5, kHard = 1e5, ms = 8e5

  /// Relaxes a wall on cells of dx = Δ/`cellsPerWidth` and returns (width, energy per area).
  func relaxedWall(cellsPerWidth: Double) -> (width: Double, energy: Double) {
    let delta = (a / k).squareRoot()
    let dx = delta / cellsPerWidth
    let n = Int((40 * delta / dx).rounded())  // ±20 Δ: the tails are e^−20 small
    let grid = Grid(nx: n, dx: dx, dy: 2e-9, dz: 2e-9)
    let magnet = Magnet(grid: grid, material: Material(saturationMagnetization: ms, exchangeStiffness: a, damping: 0.5))
    var llg = LLG(
      magnet: magnet,
      fieldTerms: [
        Exchange(magnet: magnet),
        UniaxialAnisotropy(magnet: magnet, constants: [k], axis: SIMD3(1, 0, 0), name: "easy"),
        UniaxialAnisotropy(magnet: magnet, constants: [-kHard], axis: SIMD3(0, 0, 1), name: "hard"),
      ])
    let wall = DomainWall(easyAxis: SIMD3(1, 0, 0), transverse: SIMD3(0, 1, 0))
    // Start too wide and tilted out of plane, so the minimiser has work to do.
    let length = Double(n) * dx
    var m = wall.walkerProfile(grid: grid, position: length / 2 + 0.3 * dx, width: 2 * delta, tilt: 0.4)
    let result = Relaxer(torqueTolerance: 1e-7).relax(&llg, m: &m)
    #expect(result.converged, "relax: \(result.iterations) iterations, torque \(result.maxTorque) T")
    let energy = llg.energies(m: m, time: 0).map(\.value).reduce(0, +)
    // The uniform state's energy is −K V; the wall's is the excess, per cross-section area.
    let excess = (energy + k * grid.cellVolume * Double(n)) / (grid.dy * grid.dz)
    return (wall.width(m, grid: grid), excess)
  }

  @Test func widthAndEnergyMatchTheClosedFormsAndConverge() {
    let delta = (a / k).squareRoot()
    let sigma = 4 * (a * k).squareRoot()
    let coarse = relaxedWall(cellsPerWidth: 5)
    let fine = relaxedWall(cellsPerWidth: 10)
    let widthError = abs(coarse.width / delta - 1), energyError = abs(coarse.energy / sigma - 1)
    // The tolerances at dx = Δ/5: 2 % on the width, 1 % on the energy.
    // The discretisation error of the 3-point Laplacian is O((dx/Δ)²) ≈ 0.3 %.
    #expect(widthError < 0.02, "Δ = \(coarse.width), expected \(delta)")
    #expect(energyError < 0.01, "σ = \(coarse.energy), expected \(sigma)")
    // Convergence in dx: halving the cell must cut the error (second order: ~4×; require 3×).
    let fineWidthError = abs(fine.width / delta - 1), fineEnergyError = abs(fine.energy / sigma - 1)
    #expect(fineEnergyError * 3 < energyError, "energy error \(energyError) → \(fineEnergyError)")
    #expect(fineWidthError * 3 < widthError || fineWidthError < 1e-4, "width error \(widthError) → \(fineWidthError)")
  }
}
