import Foundation
import Gilbert
import Testing

@Suite struct DemagTests {
  /// B_i = −μ0 Σ_j N(r_i − r_j) Ms_j m_j, pair by pair with the same kernel.
  func bruteForce(_ magnet: Magnet, _ m: VectorField, images: Int) -> VectorField {
    let g = magnet.grid
    let ms = magnet.saturationMagnetization
    var b = VectorField(count: g.cellCount)
    for iy in 0..<g.ny {
      for ix in 0..<g.nx {
        let i = g.index(ix, iy)
        guard ms[i] > 0 else { continue }
        var h = SIMD3<Double>(repeating: 0)
        for jy in 0..<g.ny {
          for jx in 0..<g.nx {
            let j = g.index(jx, jy)
            // With periodic x, the offset is taken into (−nx/2, nx/2] (its images are summed).
            var ox = ix - jx
            if g.periodicX {
              ox = ((ox % g.nx) + g.nx) % g.nx
              if ox > g.nx / 2 { ox -= g.nx }
            }
            let n = Demag.realSpaceKernel(ox, iy - jy, grid: g, images: g.periodicX ? images : 0)
            let mj = ms[j] * m[j]
            h.x -= n[0] * mj.x + n[3] * mj.y
            h.y -= n[3] * mj.x + n[1] * mj.y
            h.z -= n[2] * mj.z
          }
        }
        b[i] = PhysicalConstants.mu0 * h
      }
    }
    return b
  }

  func randomState(_ n: Int, seed: Double) -> VectorField {
    var m = VectorField(count: n)
    for i in 0..<n {
      let a = Double(i) * 1.7 + seed, c = Double(i) * 0.61 + 2 * seed
      m[i] = SIMD3(sin(a) * cos(c), sin(a) * sin(c), cos(a))
    }
    return m
  }

  @Test(arguments: [(7, 5, false), (8, 1, false), (9, 6, false), (5, 4, true), (6, 3, true)])
  func fftConvolutionEqualsTheBruteForceSum(_ nx: Int, _ ny: Int, _ periodic: Bool) {
    let g = Grid(nx: nx, ny: ny, dx: 3e-9, dy: 2e-9, dz: 1.5e-9, periodicX: periodic)
    // Two regions, the second empty: holes in the film.
    var regions = [Int](repeating: 0, count: g.cellCount)
    regions[g.index(1, ny / 2)] = 1
    regions[g.index(nx - 2, 0)] = 1
    let magnet = Magnet(
      grid: g, regions: regions,
      materials: [
        Material(saturationMagnetization: 8e5, exchangeStiffness: 1e-11, damping: 0.1),
        Material(saturationMagnetization: 0, exchangeStiffness: 0, damping: 0),
      ])
    var m = randomState(g.cellCount, seed: Double(nx))
    magnet.clean(&m)
    let reference = bruteForce(magnet, m, images: 3)
    let scale = reference.storage.map { abs($0) }.max()!
    // Every layout: the two-pass row-major transforms, the column-major
    // spectra (ny = 6: 12 rows, so 14 apart; the others unpadded) and the
    // column blocks (block width 16, so nx + 1 spectrum columns end in a
    // partial block). A wire takes the rows whatever is asked.
    for layout in Demag.Layout.allCases {
      let demag = Demag(magnet: magnet, images: 3, layout: layout)
      #expect(demag.layout == (ny == 1 ? .rows : layout))
      var b = VectorField(count: g.cellCount)
      demag.addField(to: &b, m: m, time: 0)
      let worst = zip(b.storage, reference.storage).map { abs($0 - $1) }.max()!
      // The 1e-10: FFT round-off is ~1e-15 of the largest entry.
      #expect(worst < 1e-10 * scale, "layout \(layout): max |ΔB| = \(worst) of \(scale)")
    }
  }

  @Test(arguments: [(40, 24, false), (35, 18, true), (50, 25, false)])
  func everyLayoutEqualsTheTwoPassTransforms(_ nx: Int, _ ny: Int, _ periodic: Bool) {
    // 41, 36 and 51 spectrum columns: two or three full blocks of 16 and a
    // partial one. Column-major: 48 padded rows stored 50 apart, 36 and 50
    // unpadded.
    let g = Grid(nx: nx, ny: ny, dx: 2e-9, dy: 3e-9, dz: 1e-9, periodicX: periodic)
    let magnet = Magnet(grid: g, material: Material(saturationMagnetization: 8e5, exchangeStiffness: 0, damping: 0.1))
    let m = randomState(g.cellCount, seed: 0.3)
    var a = VectorField(count: g.cellCount)
    Demag(magnet: magnet, layout: .rows).addField(to: &a, m: m, time: 0)
    let scale = a.storage.map { abs($0) }.max()!
    for layout in [Demag.Layout.columns, .blocks] {
      let demag = Demag(magnet: magnet, layout: layout)
      var b = VectorField(count: g.cellCount)
      demag.addField(to: &b, m: m, time: 0)
      let worst = zip(a.storage, b.storage).map { abs($0 - $1) }.max()!
      // The same convolution by differently ordered transforms: round-off only.
      #expect(worst < 1e-13 * scale, "\(layout): max |ΔB| = \(worst) of \(scale)")
      // A second evaluation on the same term: the same bits (nothing the
      // first left in the buffers, such as the padding, changes the result).
      var c = VectorField(count: g.cellCount)
      demag.addField(to: &c, m: m, time: 0)
      #expect(b.storage == c.storage, "\(layout): a second evaluation differs")
    }
  }

  @Test func theKernelIsTheSameWhateverTheSplitOverTheWorkers() {
    // One row per task (as many tasks as the workers allow) against one
    // task: the same bits, periodic with images and open.
    for periodic in [false, true] {
      let g = Grid(nx: 24, ny: 9, dx: 2e-9, dy: 3e-9, dz: 1e-9, periodicX: periodic)
      let px = periodic ? g.nx : 2 * g.nx
      let split = Demag.kernelQuadrant(grid: g, px: px, images: 2, rowsPerTask: 1)
      let serial = Demag.kernelQuadrant(grid: g, px: px, images: 2, rowsPerTask: Int.max)
      #expect(split.count == serial.count)
      let differing = zip(split, serial).filter { $0.0.bitPattern != $0.1.bitPattern }.count
      #expect(differing == 0, "periodic \(periodic): \(differing) of \(serial.count) values differ")
      #expect(split.contains { $0 != 0 })
    }
  }

  @Test func theDefaultLayoutFollowsTheGridsShape() {
    #expect(Demag.defaultLayout(nx: 4096, ny: 1) == .rows)
    #expect(Demag.defaultLayout(nx: 200, ny: 50) == .columns)  // SP4
    #expect(Demag.defaultLayout(nx: 256, ny: 256) == .columns)
    #expect(Demag.defaultLayout(nx: 512, ny: 64) == .rows)
    #expect(Demag.defaultLayout(nx: 512, ny: 512) == .blocks)
    #expect(ColumnMajorFFT2D.leading(rows: 100) == 100)
    #expect(ColumnMajorFFT2D.leading(rows: 256) == 258)
  }

  @Test func aLargeFilmTakesTheColumnBlocksAcrossThreadsAndAgrees() {
    // 512 × 512 cells: column blocks by default, split over the workers
    // (GILBERT_THREADS, the cores); the two-pass transforms give the same
    // field to round-off.
    let g = Grid(nx: 512, ny: 512, dx: 4e-9, dy: 4e-9, dz: 2e-9)
    let magnet = Magnet(grid: g, material: Material(saturationMagnetization: 8e5, exchangeStiffness: 0, damping: 0.1))
    let m = randomState(g.cellCount, seed: 1.7)
    let blocked = Demag(magnet: magnet)
    #expect(blocked.usesColumnBlocks)
    var a = VectorField(count: g.cellCount), b = VectorField(count: g.cellCount)
    Demag(magnet: magnet, layout: .rows).addField(to: &a, m: m, time: 0)
    blocked.addField(to: &b, m: m, time: 0)
    let scale = a.storage.map { abs($0) }.max()!
    let worst = zip(a.storage, b.storage).map { abs($0 - $1) }.max()!
    #expect(worst < 1e-12 * scale, "max |ΔB| = \(worst) of \(scale)")
    // A second evaluation gives the same bits (the blocks are independent
    // of how they are split over the threads).
    var c = VectorField(count: g.cellCount)
    blocked.addField(to: &c, m: m, time: 0)
    #expect(b.storage == c.storage)
  }

  @Test func uniformlyMagnetisedThinFilmHasBzNearMinusMu0Ms() {
    // A 64 × 64 film of 5 × 5 × 1 nm cells magnetised along z: at the centre
    // B_z → −μ0 Ms (N_zz → 1) up to the film's finite size, t/L ≈ 0.3 %.
    let g = Grid(nx: 64, ny: 64, dx: 5e-9, dy: 5e-9, dz: 1e-9)
    let magnet = Magnet(grid: g, material: Material(saturationMagnetization: 1e6, exchangeStiffness: 0, damping: 0.1))
    var b = VectorField(count: g.cellCount)
    Demag(magnet: magnet).addField(to: &b, m: VectorField(count: g.cellCount, uniform: SIMD3(0, 0, 1)), time: 0)
    let centre = b[g.index(32, 32)].z / (-PhysicalConstants.mu0 * 1e6)
    #expect(centre > 0.98 && centre < 1, "N_zz(centre) = \(centre)")
    // In-plane magnetisation costs little: B_x at the centre is a few % of μ0 Ms.
    var bx = VectorField(count: g.cellCount)
    Demag(magnet: magnet).addField(to: &bx, m: VectorField(count: g.cellCount, uniform: SIMD3(1, 0, 0)), time: 0)
    #expect(abs(bx[g.index(32, 32)].x) < 0.03 * PhysicalConstants.mu0 * 1e6)
  }

  @Test func aSecondDemagOfOneSizeTakesTheMeasuredPlansAndTheSameBits() {
    // FFTW measures the first plans of a size; the second term of that size
    // in the process plans from the wisdom, so its fields match to the bit.
    let g = Grid(nx: 37, ny: 23, dx: 3e-9, dy: 3e-9, dz: 2e-9)  // a size no other test plans
    let magnet = Magnet(grid: g, material: Material(saturationMagnetization: 8e5, exchangeStiffness: 0, damping: 0.1))
    let m = VectorField(count: g.cellCount, uniform: SIMD3(0.6, 0.48, 0.64))
    let a = Demag(magnet: magnet), b = Demag(magnet: magnet)
    #expect(b.plansFromWisdom == true)
    var ba = VectorField(count: g.cellCount), bb = VectorField(count: g.cellCount)
    a.addField(to: &ba, m: m, time: 0)
    b.addField(to: &bb, m: m, time: 0)
    #expect(ba.storage == bb.storage)
    #expect(FFTWisdom.text.hasPrefix("(fftw-3"))
  }

  @Test func energyIsHalfMu0MsSquaredNVForAUniformCube() {
    // One cubic cell: E = (μ0/2) Ms² V/3.
    let g = Grid(nx: 1, dx: 4e-9, dy: 4e-9, dz: 4e-9)
    let magnet = Magnet(grid: g, material: Material(saturationMagnetization: 8e5, exchangeStiffness: 0, damping: 0.1))
    let e = Demag(magnet: magnet).energy(m: VectorField(count: 1, uniform: SIMD3(0, 1, 0)), time: 0)
    let expected = PhysicalConstants.mu0 / 2 * 8e5 * 8e5 * g.cellVolume / 3
    #expect(abs(e / expected - 1) < 1e-12)
  }
}

@Suite struct EndChargeTests {
  /// The largest |B| over the strip, in units of μ0 Ms.
  static func largest(_ b: VectorField, ms: Double) -> (x: Double, yz: Double) {
    var x = 0.0, yz = 0.0
    for i in 0..<b.count {
      x = max(x, abs(b[i].x))
      yz = max(yz, max(abs(b[i].y), abs(b[i].z)))
    }
    return (x / (PhysicalConstants.mu0 * ms), yz / (PhysicalConstants.mu0 * ms))
  }

  @Test(arguments: [1.0, -1.0])
  func theCompensationCancelsTheDemagFieldOfAUniformStrip(_ sign: Double) {
    // A uniform 500 × 60 × 5 nm strip is all end charges: its demag field
    // (up to 0.2 μ0 Ms near the ends) and the compensating field cancel cell
    // by cell. They are computed two ways (the Newell tensor and the faces'
    // closed form averaged by Gauss–Legendre quadrature), so what is left is
    // the quadrature's error: 5e-11 along x, 3e-5 in y at the corners, where
    // the face's edge field varies fastest across one cell: 1e-4 of μ0 Ms is
    // 5e-4 of the end field. At the centre the two end faces act as point
    // charges Ms w t at r = 250 nm: 2 w t/(4π r²) = 7.6e-4 μ0 Ms, to the
    // (w/2r)² ≈ 1.4 % of the faces' extent (5 % allowed); there the
    // compensation must leave less than 1 % of it.
    let g = Grid(nx: 100, ny: 12, dx: 5e-9, dy: 5e-9, dz: 5e-9)
    let magnet = Magnet(
      grid: g, material: Material(saturationMagnetization: 8e5, exchangeStiffness: 1.3e-11, damping: 0.5))
    let m = VectorField(count: g.cellCount, uniform: SIMD3(sign, 0, 0))
    var demag = VectorField(count: g.cellCount)
    Demag(magnet: magnet).addField(to: &demag, m: m, time: 0)
    let before = Self.largest(demag, ms: 8e5)
    #expect(before.x > 0.15, "the uncompensated end field, \(before.x) μ0 Ms")
    let unit = PhysicalConstants.mu0 * 8e5
    let centre = -sign * demag[g.index(50, 6)].x / unit
    let pointCharges = 2 * 60e-9 * 5e-9 / (4 * Double.pi * 250e-9 * 250e-9)
    #expect(abs(centre / pointCharges - 1) < 0.05, "centre field \(centre) μ0 Ms, point charges \(pointCharges)")
    var sum = demag
    EndChargeField(magnet: magnet, left: sign, right: sign).addField(to: &sum, m: m, time: 0)
    let after = Self.largest(sum, ms: 8e5)
    #expect(after.x < 1e-4 && after.yz < 1e-4, "residual \(after) μ0 Ms")
    #expect(abs(sum[g.index(50, 6)].x) / unit < 0.01 * centre, "centre residual")
    // The compensation of the opposite domains doubles the field instead.
    var wrong = demag
    EndChargeField(magnet: magnet, left: -sign, right: -sign).addField(to: &wrong, m: m, time: 0)
    #expect(Self.largest(wrong, ms: 8e5).x > 1.9 * before.x)
  }

  @Test func aHeadToHeadStripKeepsOnlyTheFieldOfItsWall() {
    // m = +x on the left half and −x on the right: the end charges are those
    // of +x on the left face and −x on the right one ([1, −1]). What is left is
    // the field of the charge 2 Ms t w in the middle, symmetric about it: it
    // points away from the middle and falls as 1/r² from there, so at the
    // ends it is 2 Ms w t/(4π r²) μ0 ≈ 2·60·5/(4π·250²) μ0 Ms ≈ 8e-4 μ0 Ms
    // (the ends' own charges would give ~0.2).
    let g = Grid(nx: 100, ny: 12, dx: 5e-9, dy: 5e-9, dz: 5e-9)
    let magnet = Magnet(
      grid: g, material: Material(saturationMagnetization: 8e5, exchangeStiffness: 1.3e-11, damping: 0.5))
    var m = VectorField(count: g.cellCount, uniform: SIMD3(1, 0, 0))
    for iy in 0..<g.ny { for ix in 50..<g.nx { m[g.index(ix, iy)] = SIMD3(-1, 0, 0) } }
    var b = VectorField(count: g.cellCount)
    Demag(magnet: magnet).addField(to: &b, m: m, time: 0)
    EndChargeField(magnet: magnet, left: 1, right: -1).addField(to: &b, m: m, time: 0)
    let unit = PhysicalConstants.mu0 * 8e5
    for iy in 0..<g.ny {
      let left = b[g.index(0, iy)].x / unit, right = b[g.index(99, iy)].x / unit
      #expect(left < 0 && left > -2e-3 && abs(left + right) < 1e-6, "row \(iy): \(left), \(right)")
    }
  }
}

@Suite struct ShapeAnisotropyTests {
  @Test func localFactorsGiveMinusMu0MsNm() {
    let g = Grid(nx: 3, dx: 2e-9, dy: 2e-9, dz: 2e-9)
    let magnet = Magnet(grid: g, material: Material(saturationMagnetization: 8e5, exchangeStiffness: 0, damping: 0.1))
    let term = ShapeAnisotropy(magnet: magnet, factors: SIMD3(0.1, 0.2, 0.7))
    let m = VectorField(count: 3, uniform: SIMD3(0.6, 0, 0.8))
    var b = VectorField(count: 3)
    term.addField(to: &b, m: m, time: 0)
    let mu0Ms = PhysicalConstants.mu0 * 8e5
    #expect(abs(b[1].x + mu0Ms * 0.1 * 0.6) < 1e-15 && abs(b[1].z + mu0Ms * 0.7 * 0.8) < 1e-15)
    let e = term.energy(m: m, time: 0)
    let expected = PhysicalConstants.mu0 / 2 * 8e5 * 8e5 * (0.1 * 0.36 + 0.7 * 0.64) * 3 * g.cellVolume
    #expect(abs(e / expected - 1) < 1e-14)
  }
}

@Suite struct PaddedFFTTests {
  @Test func skippingThePaddingGivesTheFull2DTransform() {
    // 12 × 10 reals with data in the first 5 rows: the two-pass transform
    // that skips the zero rows equals FFTW's 2-D r2c of the whole padded
    // array, and the backward pass returns the data rows (×12·10, unnormalised).
    let rows = 10, columns = 12, occupied = 5
    let full = RealFFT2D(rows: rows, columns: columns)
    let skipping = RealFFT2D(rows: rows, columns: columns, occupiedRows: occupied)
    let a = RealFFT2D.allocate(rows * columns), b = RealFFT2D.allocate(rows * columns)
    let sa = RealFFT2D.allocate(2 * full.spectrumCount), sb = RealFFT2D.allocate(2 * full.spectrumCount)
    defer { for p in [a, b, sa, sb] { RealFFT2D.free(p) } }
    var rng = SplitMix64(seed: 9)
    for k in 0..<(occupied * columns) {
      a[k] = 2 * rng.nextUnit() - 1
      b[k] = a[k]
    }
    for k in (occupied * columns)..<(rows * columns) { b[k] = .nan }  // never read
    full.forward(a, sa)
    skipping.forward(b, sb)
    var worst = 0.0
    for k in 0..<(2 * full.spectrumCount) { worst = max(worst, abs(sa[k] - sb[k])) }
    // Same transform by a different factorisation: round-off, |entries| ≲ 60.
    #expect(worst < 1e-12, "max spectrum difference \(worst)")
    skipping.backward(sb, b)
    var back = 0.0
    for k in 0..<(occupied * columns) { back = max(back, abs(b[k] / Double(rows * columns) - a[k])) }
    #expect(back < 1e-14, "round trip error \(back)")
  }
}
