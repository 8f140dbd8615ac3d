#if GILBERT_MPI
  import CMPI
  import Foundation
  import GilbertIO

  /// `mpirun -n N gilbert sweep …` (a build with `--traits MPI`): rank 0
  /// hands out the points one at a time to whichever rank is free and writes
  /// the one sweep file; the other ranks run points in their own process
  /// (one thread each) and send back what each gave. A point that fails is
  /// reported as `failed: …` by its rank, which goes on with the next. With
  /// one rank, rank 0 runs every point itself.
  enum MPISweep {
    /// Whether this process was started by mpirun (Open MPI sets the world size).
    static var launched: Bool { ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_SIZE"] != nil }

    /// Initialises MPI; returns this rank and the number of ranks.
    static func start() -> (rank: Int, size: Int) {
      MPI_Init(nil, nil)
      var rank: Int32 = 0, size: Int32 = 0
      MPI_Comm_rank(gilbert_mpi_world(), &rank)
      MPI_Comm_size(gilbert_mpi_world(), &size)
      return (Int(rank), Int(size))
    }

    static func finish() { MPI_Finalize() }

    static let work: Int32 = 1, stop: Int32 = 2, result: Int32 = 3

    static func send(_ text: String, to rank: Int, tag: Int32) {
      var bytes = Array(text.utf8CString)
      bytes.withUnsafeMutableBufferPointer { b in
        _ = gilbert_mpi_send(b.baseAddress, Int32(b.count), Int32(rank), tag)
      }
    }

    /// The next message from `source` (or any rank when nil): (sender, tag, text).
    static func receive(from source: Int?) -> (sender: Int, tag: Int32, text: String) {
      var sender: Int32 = 0, tag: Int32 = 0
      let count = gilbert_mpi_probe(source.map(Int32.init) ?? gilbert_mpi_any_source(), &sender, &tag)
      var buffer = [CChar](repeating: 0, count: max(1, Int(count)))
      _ = gilbert_mpi_recv(&buffer, max(1, count), sender, tag)
      return (Int(sender), tag, String(cString: buffer))
    }

    /// Runs point `k` in this process; its trajectory goes to a scratch file.
    static func runPoint(_ plan: Sweep.Plan, k: Int, rank: Int) -> SweepPoint {
      let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("gilbert-mpi-\(getpid())-\(rank)-\(k).h5").path
      defer {
        try? FileManager.default.removeItem(atPath: path)
        try? FileManager.default.removeItem(atPath: XDMF.path(for: path))
        try? FileManager.default.removeItem(atPath: XDMF.paraViewPath(for: path))
      }
      return Sweep.runPoint(plan, outputPath: path, shouldStop: stopRequested)
    }

    /// A rank other than 0: runs the points it is sent until told to stop.
    static func serve(plans: [Sweep.Plan], rank: Int) {
      while true {
        let (_, tag, text) = receive(from: 0)
        guard tag == work, let k = Int(text) else { return }
        let point = runPoint(plans[k], k: k, rank: rank)
        let json = String(decoding: (try? JSONEncoder.sweep.encode(point)) ?? Data(), as: UTF8.self)
        send("\(k) \(json)", to: 0, tag: result)
      }
    }

    /// Rank 0: hands out `indices` and calls `finished(k, point, running)` as each comes back.
    static func coordinate(
      plans: [Sweep.Plan], indices: [Int], size: Int, finished: (Int, SweepPoint, Int) throws -> Void
    ) throws {
      var queue = indices[...]
      if size == 1 {
        while let k = queue.popFirst(), !stopRequested() { try finished(k, runPoint(plans[k], k: k, rank: 0), 0) }
        return
      }
      var running = 0
      for r in 1..<size {
        if !stopRequested(), let k = queue.popFirst() {
          send("\(k)", to: r, tag: work)
          running += 1
        } else {
          send("", to: r, tag: stop)
        }
      }
      while running > 0 {
        let (sender, _, text) = receive(from: nil)
        running -= 1
        let space = text.firstIndex(of: " ") ?? text.endIndex
        let k = Int(text[..<space]) ?? -1
        let json = Data(text[text.index(after: min(space, text.index(before: text.endIndex)))...].utf8)
        if let point = try? JSONDecoder.sweep.decode(SweepPoint.self, from: json), k >= 0 {
          try finished(k, point, running)
        }
        if !stopRequested(), let next = queue.popFirst() {
          send("\(next)", to: sender, tag: work)
          running += 1
        } else {
          send("", to: sender, tag: stop)
        }
      }
    }
  }
#endif
