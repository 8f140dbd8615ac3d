/// The demagnetising (stray) field B = −μ0 N ∗ M, by FFT convolution of
/// M = Ms m with the Newell tensor (``DemagKernel``), energy density
/// −(1/2) Ms m·B.
///
/// Grids are Nx × Ny × 1, so only z-offset 0 occurs and N_xz = N_yz = 0: the
/// term stores N_xx, N_yy, N_zz and N_xy. Open boundaries: M is zero-padded
/// to 2Nx × 2Ny (Ny = 1 stays 1), so the cyclic convolution equals the open
/// one. With periodic x there is no padding along x and each x-offset sums
/// `images` copies of the grid on each side. The kernels are even (xx, yy,
/// zz) or odd-odd (xy) in the offsets, so their spectra are real and only the
/// real parts are kept. Transforms are planned once (``RealFFT2D``); the
/// buffers are owned by the term and reused, so the term must not be
/// evaluated from two threads at once.
public struct Demag: LinearFieldTerm {
  public let name = "demag"
  /// Every cell's field depends on every other cell's m.
  public var isLocal: Bool { false }
  public let energyFactor = 0.5
  public let saturationMagnetization: [Double]
  public let cellVolume: Double
  let grid: Grid
  /// Padded columns (x).
  let px: Int
  /// The transforms: the two-pass ones, or (large grids) the column-blocked
  /// ones, which fuse the column transforms with the kernel products.
  let fft: RealFFT2D?
  let blocked: BlockedConvolution2D?
  /// Grids of at least this many cells (and more than one row) use the
  /// column-blocked transforms by default: 512 × 512, where they stop being
  /// slower (one thread) and become 1.4× faster on two threads.
  public static let columnBlockCells = 262_144
  /// Whether the column-blocked transforms are used.
  public var usesColumnBlocks: Bool { blocked != nil }
  /// Real spectra of N_xx, N_yy, N_zz, N_xy, each value stored twice (2 ×
  /// py × (px/2 + 1), beside the re and im it multiplies), times −μ0/(px py) (the sign of B = −μ0 N M and the factor of the
  /// unnormalised inverse): the products the evaluation would otherwise form
  /// for every wave vector, rounded the same way once.
  let kernel: [[Double]]
  let work: Workspace
  /// Every cell has Ms > 0: B is added without a mask.
  let allMagnetic: Bool
  /// Whether the per-step transforms were planned from FFTW's wisdom
  /// (``RealFFT2D/fromWisdom``), not measured now.
  public let plansFromWisdom: Bool

  /// Buffers for one evaluation, freed with the term.
  final class Workspace: @unchecked Sendable {
    let padded: UnsafeMutablePointer<Double>
    let spectra: [UnsafeMutablePointer<Double>]
    init(realCount: Int, spectrumDoubles: Int) {
      padded = RealFFT2D.allocate(realCount)
      spectra = (0..<3).map { _ in RealFFT2D.allocate(spectrumDoubles) }
    }
    deinit {
      RealFFT2D.free(padded)
      for s in spectra { RealFFT2D.free(s) }
    }
  }

  /// The demag term of `magnet`; with periodic x, `images` copies each
  /// side. `columnBlocks` chooses the column-blocked transforms
  /// (``BlockedConvolution2D``); by default they are used from 512 × 512
  /// cells (2-D grids only), where they are faster.
  public init(magnet: Magnet, images: Int = 10, columnBlocks: Bool? = nil) {
    let g = magnet.grid
    grid = g
    saturationMagnetization = magnet.saturationMagnetization
    cellVolume = g.cellVolume
    let px = g.periodicX ? g.nx : 2 * g.nx
    let py = g.ny == 1 ? 1 : 2 * g.ny
    self.px = px
    let cells = px * py
    let threads = cells >= 262_144 ? Parallel.workers : 1
    // m fills the first ny of the py rows and only they are read back: the
    // transforms of m and B skip the padding rows. Their plans are measured
    // (1.3–2× faster transforms than estimated plans, gilbert bench
    // --demag) and kept as FFTW wisdom, so every later run on this machine
    // and every resumed run uses the same plans and gets the same bits
    // (FFTWisdom). The kernel, transformed once, fills all rows and is
    // planned by estimate.
    if py > 1 && (columnBlocks ?? (g.nx * g.ny >= Self.columnBlockCells)) {
      let b = BlockedConvolution2D(rows: py, columns: px, occupiedRows: g.ny, threads: threads)
      (fft, blocked) = (nil, b)
      plansFromWisdom = b.fromWisdom
      work = Workspace(realCount: cells, spectrumDoubles: b.compactCount)
    } else {
      let f = RealFFT2D(rows: py, columns: px, occupiedRows: g.ny, threads: threads, measure: true)
      (fft, blocked) = (f, nil)
      plansFromWisdom = f.fromWisdom
      work = Workspace(realCount: cells, spectrumDoubles: 2 * f.spectrumCount)
    }
    let full = RealFFT2D(rows: py, columns: px, threads: threads, measure: false)
    let scale = -PhysicalConstants.mu0 / Double(px * py)
    kernel = Self.kernelSpectra(grid: g, px: px, py: py, images: g.periodicX ? images : 0, fft: full, work: work)
      .map { $0.map { $0 * scale } }
    allMagnetic = magnet.allMagnetic
  }

  /// Offset (cells) of padded index `i` on a padded axis of length `p` for a
  /// grid of `n` cells: 0...n−1 and −(n−1)...−1; nil for the unused middle.
  static func offset(_ i: Int, padded p: Int, cells n: Int, periodic: Bool) -> Int? {
    if periodic { return i <= p / 2 ? i : i - p }
    if i < n { return i }
    if i > p - n { return i - p }
    return nil
  }

  /// The real-space kernel (N_xx, N_yy, N_zz, N_xy, N_xz, N_yz) for an
  /// offset of (i, j, k) cells, summed over `images` periodic images along x
  /// on each side (the film term uses k = 0 and the first four). On an even
  /// periodic grid the offsets ±Nx/2 are the same point of the ring: there
  /// the two truncated sums are averaged, which keeps the kernel's parity
  /// (and makes N_xy and N_xz vanish, as the infinite sum does).
  public static func realSpaceKernel(_ i: Int, _ j: Int, _ k: Int = 0, grid g: Grid, images: Int) -> [Double] {
    func sum(_ i: Int) -> [Double] {
      var n = [Double](repeating: 0, count: 6)
      for c in -images...images {
        let t = DemagKernel.tensor(cells: i + c * g.nx, j, k, dx: g.dx, dy: g.dy, dz: g.dz)
        for a in 0..<6 { n[a] += t[a] }
      }
      return n
    }
    if g.periodicX && g.nx % 2 == 0 && abs(i) == g.nx / 2 {
      return zip(sum(i), sum(-i)).map { ($0 + $1) / 2 }
    }
    return sum(i)
  }

  static func kernelSpectra(grid g: Grid, px: Int, py: Int, images: Int, fft: RealFFT2D, work: Workspace) -> [[Double]]
  {
    // Real-space kernel on the padded grid, from the quadrant i, j ≥ 0 by parity.
    var real = [[Double]](repeating: [Double](repeating: 0, count: px * py), count: 4)
    var quadrant: [Int: [Double]] = [:]
    for yi in 0..<py {
      guard let j = offset(yi, padded: py, cells: g.ny, periodic: false) else { continue }
      for xi in 0..<px {
        guard let i = offset(xi, padded: px, cells: g.nx, periodic: g.periodicX) else { continue }
        let key = abs(i) * (py + 1) + abs(j)
        let q = quadrant[key] ?? realSpaceKernel(abs(i), abs(j), grid: g, images: images)
        quadrant[key] = q
        let odd: Double = (i < 0) != (j < 0) ? -1 : 1
        let at = yi * px + xi
        real[0][at] = q[0]
        real[1][at] = q[1]
        real[2][at] = q[2]
        real[3][at] = (i == 0 || j == 0) ? 0 : odd * q[3]
      }
    }
    let spectrum = RealFFT2D.allocate(2 * fft.spectrumCount)
    defer { RealFFT2D.free(spectrum) }
    return real.map { r in
      r.withUnsafeBufferPointer { src in work.padded.update(from: src.baseAddress!, count: px * py) }
      fft.forward(work.padded, spectrum)
      // Each real value twice, beside the (re, im) pair it multiplies, so
      // the products run over contiguous memory in SIMD.
      return (0..<(2 * fft.spectrumCount)).map { spectrum[2 * ($0 / 2)] }
    }
  }

  public func addField(to b: inout VectorField, m: VectorField, time: Double) {
    if let blocked {
      addFieldByBlocks(to: &b, m: m, blocked)
      return
    }
    guard let fft else { return }
    // z first and alone (B_z = −μ0 N_zz M_z needs no other component), so
    // one spectrum is in the caches at a time; then x and y together.
    m.withPlanes { mx, my, mz in
      b.withMutablePlanes { bx, by, bz in
        let sx = work.spectra[0], sy = work.spectra[1]
        transform(mz, into: sx)
        let count = 2 * fft.spectrumCount
        kernel[2].withUnsafeBufferPointer { kzz in
          var j = 0
          while j + 4 <= count {
            (V4.load(sx, j) * V4.load(kzz, j)).store(sx, j)
            j += 4
          }
          while j < count {
            sx[j] *= kzz[j]
            j += 1
          }
        }
        addInverse(of: sx, to: bz)
        transform(mx, into: sx)
        transform(my, into: sy)
        kernel[0].withUnsafeBufferPointer { kxx in
          kernel[1].withUnsafeBufferPointer { kyy in
            kernel[3].withUnsafeBufferPointer { kxy in
              // B_x = N_xx M_x + N_xy M_y, B_y = N_xy M_x + N_yy M_y, on
              // real and imaginary parts alike (the kernels' spectra are real).
              var j = 0
              while j + 4 <= count {
                let x = V4.load(sx, j), y = V4.load(sy, j)
                let a = V4.load(kxx, j), d = V4.load(kyy, j), e = V4.load(kxy, j)
                (a * x + e * y).store(sx, j)
                (e * x + d * y).store(sy, j)
                j += 4
              }
              while j < count {
                let x = sx[j], y = sy[j]
                sx[j] = kxx[j] * x + kxy[j] * y
                sy[j] = kxy[j] * x + kyy[j] * y
                j += 1
              }
            }
          }
        }
        addInverse(of: sx, to: bx)
        addInverse(of: sy, to: by)
      }
    }
  }

  /// The column-blocked evaluation: the row transforms of the three
  /// components, then per block of spectrum columns the column transforms,
  /// the kernel products (as in the two-pass evaluation) and the inverse
  /// column transforms, then the inverse row transforms.
  private func addFieldByBlocks(to b: inout VectorField, m: VectorField, _ blocked: BlockedConvolution2D) {
    let spectra = work.spectra
    m.withPlanes { mx, my, mz in
      transform(mx, into: spectra[0])
      transform(my, into: spectra[1])
      transform(mz, into: spectra[2])
    }
    let half = blocked.half, rows = blocked.rows, bw = blocked.blockWidth
    kernel[0].withUnsafeBufferPointer { kxxBuffer in
      kernel[1].withUnsafeBufferPointer { kyyBuffer in
        kernel[2].withUnsafeBufferPointer { kzzBuffer in
          kernel[3].withUnsafeBufferPointer { kxyBuffer in
            let kxx = kxxBuffer.baseAddress!, kyy = kyyBuffer.baseAddress!
            let kzz = kzzBuffer.baseAddress!, kxy = kxyBuffer.baseAddress!
            blocked.convolveColumns(spectra) { blocks, k0, width in
              let count = 2 * width
              for j in 0..<rows {
                let x = blocks[0] + 2 * j * bw, y = blocks[1] + 2 * j * bw, z = blocks[2] + 2 * j * bw
                let at = 2 * (j * half + k0)
                let a = kxx + at, d = kyy + at, f = kzz + at, e = kxy + at
                var q = 0
                while q + 4 <= count {
                  let u = V4.load(x, q), v = V4.load(y, q)
                  let ea = V4.load(e, q)
                  (V4.load(a, q) * u + ea * v).store(x, q)
                  (ea * u + V4.load(d, q) * v).store(y, q)
                  (V4.load(z, q) * V4.load(f, q)).store(z, q)
                  q += 4
                }
                while q < count {
                  let u = x[q], v = y[q]
                  x[q] = a[q] * u + e[q] * v
                  y[q] = e[q] * u + d[q] * v
                  z[q] *= f[q]
                  q += 1
                }
              }
            }
          }
        }
      }
    }
    b.withMutablePlanes { bx, by, bz in
      addInverse(of: spectra[0], to: bx)
      addInverse(of: spectra[1], to: by)
      addInverse(of: spectra[2], to: bz)
    }
  }

  /// The spectrum of Ms m_c (one component plane) on the padded grid (the
  /// compact row spectrum with column blocks).
  private func transform(_ plane: UnsafePointer<Double>, into spectrum: UnsafeMutablePointer<Double>) {
    let nx = grid.nx, ny = grid.ny, px = px
    let pad = work.padded
    saturationMagnetization.withUnsafeBufferPointer { ms in
      for iy in 0..<ny {
        let row = pad + iy * px, i0 = iy * nx
        for ix in 0..<nx { row[ix] = ms[i0 + ix] * plane[i0 + ix] }
        // The padding columns (a backward transform wrote them).
        if px > nx { (row + nx).update(repeating: 0, count: px - nx) }
      }
    }
    if let blocked { blocked.forwardRows(pad, spectrum) } else { fft?.forward(pad, spectrum) }
  }

  /// plane += the inverse transform of `spectrum` on the grid's cells
  /// (magnetic ones only); destroys `spectrum`.
  private func addInverse(of spectrum: UnsafeMutablePointer<Double>, to plane: UnsafeMutablePointer<Double>) {
    let nx = grid.nx, ny = grid.ny, px = px
    let pad = work.padded
    if let blocked { blocked.backwardRows(spectrum, pad) } else { fft?.backward(spectrum, pad) }
    saturationMagnetization.withUnsafeBufferPointer { ms in
      for iy in 0..<ny {
        let row = pad + iy * px, i0 = iy * nx
        if allMagnetic {
          for ix in 0..<nx { plane[i0 + ix] += row[ix] }
        } else {
          for ix in 0..<nx where ms[i0 + ix] > 0 { plane[i0 + ix] += row[ix] }
        }
      }
    }
  }
}

/// A local shape anisotropy, the cheap stand-in for the stray field of a
/// thin wire or strip in quick 1D runs: B = −μ0 Ms (N_x m_x, N_y m_y, N_z m_z)
/// in every cell, energy density (μ0/2) Ms² Σ N_i m_i². An explicit option
/// (`[demag] method = "local"`), never used unless asked for.
public struct ShapeAnisotropy: LinearFieldTerm {
  public let name = "demag"
  public let energyFactor = 0.5
  public let saturationMagnetization: [Double]
  public let cellVolume: Double
  /// The demagnetising factors (N_x, N_y, N_z), summing to 1 for a body.
  public let factors: SIMD3<Double>

  /// The term with the given factors.
  public init(magnet: Magnet, factors: SIMD3<Double>) {
    saturationMagnetization = magnet.saturationMagnetization
    cellVolume = magnet.grid.cellVolume
    self.factors = factors
  }

  public func addField(to b: inout VectorField, m: VectorField, time: Double) {
    let n = m.count
    let ms = saturationMagnetization
    let f = -PhysicalConstants.mu0 * factors
    m.withPlanes { mx, my, mz in
      b.withMutablePlanes { bx, by, bz in
        for i in 0..<n where ms[i] > 0 {
          bx[i] += f.x * ms[i] * mx[i]
          by[i] += f.y * ms[i] * my[i]
          bz[i] += f.z * ms[i] * mz[i]
        }
      }
    }
  }
}
