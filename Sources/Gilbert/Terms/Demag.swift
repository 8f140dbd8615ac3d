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
  /// Padded columns (x) and rows (y).
  let px: Int, py: Int
  /// Spectrum columns, px/2 + 1, and the kernel rows stored, py/2 + 1.
  let half: Int, kernelRows: Int
  /// How the convolution's transforms and spectra are arranged.
  public enum Layout: String, Sendable, CaseIterable {
    /// Row-major spectra, the two passes of ``RealFFT2D`` (1D wires, and
    /// films more than 4× wider than tall).
    case rows
    /// Column-major spectra (``ColumnMajorFFT2D``): films up to 4× wider
    /// than tall below ``columnBlockCells``.
    case columns
    /// Column blocks (``BlockedConvolution2D``): films from ``columnBlockCells``.
    case blocks
  }
  /// The transforms: one of the three, as ``layout`` says.
  let fft: RealFFT2D?
  let columnMajor: ColumnMajorFFT2D?
  let blocked: BlockedConvolution2D?
  /// Grids of at least this many cells (and more than one row) use the
  /// column-blocked transforms by default: 512 × 512, where they stop being
  /// slower (one thread) and become 1.4× faster on two threads.
  public static let columnBlockCells = 262_144
  /// The layout used.
  public let layout: Layout
  /// Whether the column-blocked transforms are used.
  public var usesColumnBlocks: Bool { layout == .blocks }

  /// The layout a grid gets by default. Column blocks from
  /// ``columnBlockCells``; below, column-major spectra unless the film is
  /// more than 4× wider than tall (a C prototype of both, one thread, per
  /// convolution: 200 × 50 cells 0.47 → 0.39 ms, 128² 0.80 → 0.66 ms,
  /// 256² 3.7 → 3.4 ms, 400 × 100 2.0 → 1.8 ms; but 512 × 64 1.31 → 1.38 ms
  /// and 200 × 32 0.20 → 0.22 ms, where the row-major passes stay).
  public static func defaultLayout(nx: Int, ny: Int) -> Layout {
    if ny == 1 { return .rows }
    if nx * ny >= columnBlockCells { return .blocks }
    return nx <= 4 * ny ? .columns : .rows
  }
  /// Real spectra of N_xx, N_yy, N_zz, N_xy on the rows ky ≥ 0 (``kernelRows``
  /// × (px/2 + 1) values each; the rows ky < 0 follow by parity, see
  /// ``kernelRow(_:)``), times −μ0/(px py) (the sign of B = −μ0 N M and the
  /// factor of the unnormalised inverse): the products the evaluation would
  /// otherwise form for every wave vector, rounded the same way once.
  /// Empty with column blocks, which use ``blockKernel``; with column-major
  /// spectra stored column by column too (column k's rows at k × kernelRows).
  let kernel: [[Double]]
  /// With column blocks: the same values in the order the blocks read
  /// them, one array: per block of spectrum columns, per kernel row, the
  /// block's N_xx, N_yy, N_zz and N_xy values (blockWidth each, zero past
  /// the last column), so a block's kernel is one contiguous run.
  let blockKernel: [Double]
  let work: Workspace
  /// Every cell has Ms > 0: B is added without a mask.
  let allMagnetic: Bool
  /// Whether the per-step transforms were planned from FFTW's wisdom
  /// (``RealFFT2D/fromWisdom``), not measured now.
  public let plansFromWisdom: Bool?

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
  /// side. `layout` chooses the arrangement of the transforms (2-D grids;
  /// a wire is always `.rows`); by default ``defaultLayout(nx:ny:)``.
  public init(magnet: Magnet, images: Int = 10, layout: Layout? = nil) {
    let g = magnet.grid
    grid = g
    saturationMagnetization = magnet.saturationMagnetization
    cellVolume = g.cellVolume
    let px = g.periodicX ? g.nx : 2 * g.nx
    let py = g.periodicY ? g.ny : (g.ny == 1 ? 1 : 2 * g.ny)
    self.px = px
    self.py = py
    let half = px / 2 + 1, kernelRows = py / 2 + 1
    self.half = half
    self.kernelRows = kernelRows
    let cells = px * py
    let threads = cells >= 262_144 ? Parallel.workers : 1
    // m fills the first ny of the py rows and only they are read back: the
    // transforms of m and B skip the padding rows. Their plans are measured
    // (1.3–2× faster transforms than estimated plans, gilbert bench
    // --demag) and kept as FFTW wisdom, so every later run on this machine
    // and every resumed run uses the same plans and gets the same bits
    // (FFTWisdom). The kernel, transformed once, fills all rows and is
    // planned by estimate.
    let layout = py == 1 ? .rows : (layout ?? Self.defaultLayout(nx: g.nx, ny: g.ny))
    self.layout = layout
    switch layout {
    case .blocks:
      let b = BlockedConvolution2D(rows: py, columns: px, occupiedRows: g.ny, threads: threads)
      (fft, columnMajor, blocked) = (nil, nil, b)
      plansFromWisdom = b.fromWisdom
      work = Workspace(realCount: cells, spectrumDoubles: b.compactCount)
    case .columns:
      let c = ColumnMajorFFT2D(rows: py, columns: px, occupiedRows: g.ny, threads: threads)
      (fft, columnMajor, blocked) = (nil, c, nil)
      plansFromWisdom = c.fromWisdom
      work = Workspace(realCount: cells, spectrumDoubles: c.spectrumDoubles)
    case .rows:
      let f = RealFFT2D(rows: py, columns: px, occupiedRows: g.ny, threads: threads, measure: true)
      (fft, columnMajor, blocked) = (f, nil, nil)
      plansFromWisdom = f.fromWisdom
      work = Workspace(realCount: cells, spectrumDoubles: 2 * f.spectrumCount)
    }
    let full = RealFFT2D(rows: py, columns: px, threads: threads, measure: false)
    let scale = -PhysicalConstants.mu0 / Double(px * py)
    let spectra = Self.kernelSpectra(grid: g, px: px, py: py, images: images, fft: full, work: work)
      .map { $0.map { $0 * scale } }
    if let blocked {
      let bw = blocked.blockWidth
      let blocks = (half + bw - 1) / bw
      var packed = [Double](repeating: 0, count: blocks * kernelRows * 4 * bw)
      for k in 0..<blocks {
        let k0 = k * bw, w = min(bw, half - k0)
        for r in 0..<kernelRows {
          for c in 0..<4 {
            let to = ((k * kernelRows + r) * 4 + c) * bw
            for q in 0..<w { packed[to + q] = spectra[c][r * half + k0 + q] }
          }
        }
      }
      (kernel, blockKernel) = ([], packed)
    } else if columnMajor != nil {
      let transposed = spectra.map { values in
        var t = [Double](repeating: 0, count: values.count)
        for r in 0..<kernelRows {
          for k in 0..<half { t[k * kernelRows + r] = values[r * half + k] }
        }
        return t
      }
      (kernel, blockKernel) = (transposed, [])
    } else {
      (kernel, blockKernel) = (spectra, [])
    }
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
  /// offset of (i, j, k) cells, summed over `images` periodic images on each
  /// side along every periodic axis (the film term uses k = 0 and the first
  /// four). On an even periodic axis the offsets ±n/2 are the same point of
  /// the ring: there the truncated sums of both are averaged, which keeps the
  /// kernel's parity (and makes the off-diagonal terms odd in that offset
  /// vanish, as the infinite sum does).
  public static func realSpaceKernel(_ i: Int, _ j: Int, _ k: Int = 0, grid g: Grid, images: Int) -> [Double] {
    let counts = [g.nx, g.ny, g.nz]
    func copies(_ axis: Int) -> ClosedRange<Int> { g.isPeriodic(axis) ? -images...images : 0...0 }
    /// The offsets standing for `o` along `axis`: o, or ±o on the ring's far point.
    func variants(_ o: Int, _ axis: Int) -> [Int] {
      g.isPeriodic(axis) && counts[axis] % 2 == 0 && abs(o) == counts[axis] / 2 && o != 0 ? [o, -o] : [o]
    }
    let xs = variants(i, 0), ys = variants(j, 1), zs = variants(k, 2)
    var n = [Double](repeating: 0, count: 6)
    for x in xs {
      for y in ys {
        for z in zs {
          for cx in copies(0) {
            for cy in copies(1) {
              for cz in copies(2) {
                let t = DemagKernel.tensor(
                  cells: x + cx * g.nx, y + cy * g.ny, z + cz * g.nz, dx: g.dx, dy: g.dy, dz: g.dz)
                for a in 0..<6 { n[a] += t[a] }
              }
            }
          }
        }
      }
    }
    let variantsCount = Double(xs.count * ys.count * zs.count)
    return variantsCount == 1 ? n : n.map { $0 / variantsCount }
  }

  /// The real-space kernel (N_xx, N_yy, N_zz, N_xy; 4 values per offset) on
  /// the quadrant of offsets i, j ≥ 0, x-offsets up to px/2 (offset (i, j)
  /// at 4 (j (px/2 + 1) + i)); zero where the padded grid has no offset.
  /// Rows of offsets are split over the workers, at least `rowsPerTask`
  /// each (by default about 16k offsets): each value is computed alone, so
  /// the split changes no bit. The Newell sums are most of the set-up time
  /// of a large film (2048²: 4.2 million offsets).
  public static func kernelQuadrant(grid g: Grid, px: Int, images: Int, rowsPerTask: Int? = nil) -> [Double] {
    let half = px / 2 + 1
    var quadrant = [Double](repeating: 0, count: 4 * half * g.ny)
    quadrant.withUnsafeMutableBufferPointer { quadrant in
      let out = UncheckedSendable(value: quadrant.baseAddress!)
      Parallel.forEachChunk(g.ny, minimumPerTask: rowsPerTask ?? max(1, 16_384 / half)) { range in
        for j in range where !g.periodicY || j <= g.ny / 2 {
          for i in 0..<half where offset(i, padded: px, cells: g.nx, periodic: g.periodicX) != nil {
            let q = realSpaceKernel(i, j, grid: g, images: images)
            for c in 0..<4 { out.value[4 * (j * half + i) + c] = q[c] }
          }
        }
      }
    }
    return quadrant
  }

  /// The spectra of N_xx, N_yy, N_zz and N_xy on the rows ky ≥ 0 (py/2 + 1
  /// rows of px/2 + 1 real values each; the spectra are real because the
  /// kernels are even or odd-odd).
  static func kernelSpectra(grid g: Grid, px: Int, py: Int, images: Int, fft: RealFFT2D, work: Workspace) -> [[Double]]
  {
    // The quadrant i, j ≥ 0 of the real-space kernel (4 values per offset;
    // x-offsets up to px/2, the spectrum's width); the padded grid takes the
    // other quadrants by parity.
    let half = px / 2 + 1, rows = py / 2 + 1
    let quadrant = kernelQuadrant(grid: g, px: px, images: images)
    let spectrum = RealFFT2D.allocate(2 * fft.spectrumCount)
    defer { RealFFT2D.free(spectrum) }
    return (0..<4).map { c in
      let pad = work.padded
      pad.update(repeating: 0, count: px * py)
      for yi in 0..<py {
        guard let j = offset(yi, padded: py, cells: g.ny, periodic: g.periodicY) else { continue }
        for xi in 0..<px {
          guard let i = offset(xi, padded: px, cells: g.nx, periodic: g.periodicX) else { continue }
          let q = quadrant[4 * (abs(j) * half + abs(i)) + c]
          if c < 3 {
            pad[yi * px + xi] = q
          } else if i != 0 && j != 0 {
            pad[yi * px + xi] = (i < 0) != (j < 0) ? -q : q
          }
        }
      }
      fft.forward(pad, spectrum)
      var values = [Double](repeating: 0, count: rows * half)
      for r in 0..<rows {
        for k in 0..<half { values[r * half + k] = spectrum[2 * (r * half + k)] }
      }
      return values
    }
  }

  /// The stored kernel row of spectrum row `j` and the sign of N_xy there:
  /// the row of −ky for ky < 0, where the even kernels (xx, yy, zz) are the
  /// same and N_xy, odd in y, changes sign.
  @inline(__always) func kernelRow(_ j: Int) -> (row: Int, xySign: Double) {
    j < kernelRows ? (j, 1) : (py - j, -1)
  }

  /// d[i] = a[i] b[i] for i < n (four at a time: the scalar loop the
  /// compiler leaves was a third of the column-major evaluation's own time).
  @inline(__always)
  static func product(
    _ d: UnsafeMutablePointer<Double>, _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, count n: Int
  ) {
    var i = 0
    while i + 4 <= n {
      (V4.load(a, i) * V4.load(b, i)).store(d, i)
      i += 4
    }
    while i < n {
      d[i] = a[i] * b[i]
      i += 1
    }
  }

  /// d[i] += a[i] for i < n, four at a time.
  @inline(__always)
  static func accumulate(_ d: UnsafeMutablePointer<Double>, _ a: UnsafePointer<Double>, count n: Int) {
    var i = 0
    while i + 4 <= n {
      (V4.load(d, i) + V4.load(a, i)).store(d, i)
      i += 4
    }
    while i < n {
      d[i] += a[i]
      i += 1
    }
  }

  /// s *= k on `n` (re, im) pairs, each k value on both parts; with
  /// `descending`, pair p takes k[−p] (a kernel column read backwards).
  @inline(__always)
  static func scale(
    _ s: UnsafeMutablePointer<Double>, by k: UnsafePointer<Double>, points n: Int, descending: Bool = false
  ) {
    var p = 0
    while p + 2 <= n {
      (V4.load(s, 2 * p) * (descending ? V4.pairsDescending(k, -p) : V4.pairs(k, p))).store(s, 2 * p)
      p += 2
    }
    if p < n {
      let f = k[descending ? -p : p]
      s[2 * p] *= f
      s[2 * p + 1] *= f
    }
  }

  /// (x, y) ← (N_xx x + N_xy y, N_xy x + N_yy y) on `n` (re, im) pairs, with
  /// N_xy times `sign`; with `descending`, pair p takes the kernels at −p.
  @inline(__always)
  static func mix(
    _ x: UnsafeMutablePointer<Double>, _ y: UnsafeMutablePointer<Double>, xx a: UnsafePointer<Double>,
    yy d: UnsafePointer<Double>, xy e: UnsafePointer<Double>, sign: Double, points n: Int, descending: Bool = false
  ) {
    @inline(__always) func pairs(_ k: UnsafePointer<Double>, _ p: Int) -> V4 {
      descending ? V4.pairsDescending(k, -p) : V4.pairs(k, p)
    }
    let sign4 = V4(repeating: sign)
    var p = 0
    while p + 2 <= n {
      let u = V4.load(x, 2 * p), v = V4.load(y, 2 * p)
      let ep = sign4 * pairs(e, p)
      (pairs(a, p) * u + ep * v).store(x, 2 * p)
      (ep * u + pairs(d, p) * v).store(y, 2 * p)
      p += 2
    }
    if p < n {
      let i = descending ? -p : p
      let ep = sign * e[i]
      for q in 2 * p..<2 * p + 2 {
        let u = x[q], v = y[q]
        x[q] = a[i] * u + ep * v
        y[q] = ep * u + d[i] * v
      }
    }
  }

  public func addField(to b: inout VectorField, m: VectorField, time: Double) {
    if let blocked {
      addFieldByBlocks(to: &b, m: m, blocked)
      return
    }
    guard fft != nil || columnMajor != nil else { return }
    // z first and alone (B_z = −μ0 N_zz M_z needs no other component), so
    // one spectrum is in the caches at a time; then x and y together.
    m.withPlanes { mx, my, mz in
      b.withMutablePlanes { bx, by, bz in
        let sx = work.spectra[0], sy = work.spectra[1]
        transform(mz, into: sx)
        multiplyZ(sx)
        addInverse(of: sx, to: bz)
        transform(mx, into: sx)
        transform(my, into: sy)
        multiplyXY(sx, sy)
        addInverse(of: sx, to: bx)
        addInverse(of: sy, to: by)
      }
    }
  }

  /// s ← N_zz s on a whole spectrum (row-major or column-major).
  private func multiplyZ(_ s: UnsafeMutablePointer<Double>) {
    let half = half, kr = kernelRows
    kernel[2].withUnsafeBufferPointer { kzz in
      let kzz = kzz.baseAddress!
      if let columnMajor {
        // Down each column: the rows ky ≥ 0 read the stored kernel column
        // forwards; the py − kernelRows rows ky < 0 (py/2 − 1) read it
        // backwards, row kernelRows taking kernel row py − kernelRows and
        // the last row (py − 1) kernel row 1.
        let ld = columnMajor.leading, mirrored = py - kr
        for k in 0..<half {
          let column = s + 2 * k * ld, kc = kzz + k * kr
          Self.scale(column, by: kc, points: kr)
          Self.scale(column + 2 * kr, by: kc + mirrored, points: mirrored, descending: true)
        }
      } else {
        for j in 0..<py { Self.scale(s + 2 * j * half, by: kzz + kernelRow(j).row * half, points: half) }
      }
    }
  }

  /// (x, y) ← (N_xx x + N_xy y, N_xy x + N_yy y) on whole spectra, on real
  /// and imaginary parts alike (the kernels' spectra are real); the rows
  /// ky < 0 as in ``multiplyZ(_:)``, with N_xy's sign flipped.
  private func multiplyXY(_ x: UnsafeMutablePointer<Double>, _ y: UnsafeMutablePointer<Double>) {
    let half = half, kr = kernelRows
    kernel[0].withUnsafeBufferPointer { kxx in
      kernel[1].withUnsafeBufferPointer { kyy in
        kernel[3].withUnsafeBufferPointer { kxy in
          let (kxx, kyy, kxy) = (kxx.baseAddress!, kyy.baseAddress!, kxy.baseAddress!)
          if let columnMajor {
            let ld = columnMajor.leading, mirrored = py - kr
            for k in 0..<half {
              let cx = x + 2 * k * ld, cy = y + 2 * k * ld, at = k * kr
              let a = kxx + at, d = kyy + at, e = kxy + at
              Self.mix(cx, cy, xx: a, yy: d, xy: e, sign: 1, points: kr)
              Self.mix(
                cx + 2 * kr, cy + 2 * kr, xx: a + mirrored, yy: d + mirrored, xy: e + mirrored, sign: -1,
                points: mirrored, descending: true)
            }
          } else {
            for j in 0..<py {
              let (r, sign) = kernelRow(j)
              let at = r * half
              Self.mix(
                x + 2 * j * half, y + 2 * j * half, xx: kxx + at, yy: kyy + at, xy: kxy + at, sign: sign,
                points: half)
            }
          }
        }
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
    let rows = blocked.rows, bw = blocked.blockWidth, kernelRows = kernelRows
    blockKernel.withUnsafeBufferPointer { packed in
      let kernels = packed.baseAddress!
      blocked.convolveColumns(spectra) { blocks, k0, width in
        let first = kernels + (k0 / bw) * kernelRows * 4 * bw
        for j in 0..<rows {
          let (r, sign) = kernelRow(j)
          let a = first + r * 4 * bw, row = 2 * j * bw
          Self.mix(
            blocks[0] + row, blocks[1] + row, xx: a, yy: a + bw, xy: a + 3 * bw, sign: sign, points: width)
          Self.scale(blocks[2] + row, by: a + 2 * bw, points: width)
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
  /// compact row spectrum with column blocks, column-major with
  /// ``ColumnMajorFFT2D``).
  private func transform(_ plane: UnsafePointer<Double>, into spectrum: UnsafeMutablePointer<Double>) {
    let nx = grid.nx, ny = grid.ny, px = px
    // Column-major transforms read their own input, whose padding columns
    // nothing else writes; the shared padded array's were written by the
    // last backward transform.
    let pad = columnMajor?.input ?? work.padded, zeroPadding = columnMajor == nil && px > nx
    saturationMagnetization.withUnsafeBufferPointer { ms in
      for iy in 0..<ny {
        let row = pad + iy * px, i0 = iy * nx
        Self.product(row, ms.baseAddress! + i0, plane + i0, count: nx)
        if zeroPadding { (row + nx).update(repeating: 0, count: px - nx) }
      }
    }
    if let columnMajor {
      columnMajor.forward(into: spectrum)
    } else if let blocked {
      blocked.forwardRows(pad, spectrum)
    } else {
      fft?.forward(pad, spectrum)
    }
  }

  /// plane += the inverse transform of `spectrum` on the grid's cells
  /// (magnetic ones only); destroys `spectrum`.
  private func addInverse(of spectrum: UnsafeMutablePointer<Double>, to plane: UnsafeMutablePointer<Double>) {
    let nx = grid.nx, ny = grid.ny, px = px
    let pad = columnMajor?.output ?? work.padded
    if let columnMajor {
      columnMajor.backward(spectrum)
    } else if let blocked {
      blocked.backwardRows(spectrum, pad)
    } else {
      fft?.backward(spectrum, pad)
    }
    saturationMagnetization.withUnsafeBufferPointer { ms in
      for iy in 0..<ny {
        let row = pad + iy * px, i0 = iy * nx
        if allMagnetic {
          Self.accumulate(plane + i0, row, count: nx)
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
