import Dispatch

/// Splits loops over cells across the machine's cores, where that pays.
///
/// Measured with `gilbert bench` on 2 cores (Documentation/Performance.md):
/// waking the workers costs tens of microseconds per loop, so below about
/// 16k cells per task (a 128×128 film, every 1D wire) the loops run on the
/// calling thread; at 512×512 two threads give 1.7× on the right-hand side.
public enum Parallel {
  /// The number of worker threads to split over: the processor count, or
  /// the environment variable `GILBERT_THREADS` when set (1 = serial).
  public static let workers: Int = {
    if let s = getenv("GILBERT_THREADS"), let n = Int(String(cString: s)), n >= 1 { return n }
    return max(1, System.activeProcessorCount)
  }()
  /// Work below this many items per task runs serially.
  public static let minimumPerTask = 16384

  /// Calls `body` over disjoint subranges covering `0..<count`, concurrently
  /// when each task gets at least `minimumPerTask` items.
  @inlinable
  public static func forEachChunk(
    _ count: Int, minimumPerTask: Int = Parallel.minimumPerTask, _ body: (Range<Int>) -> Void
  ) {
    if min(workers, count / max(1, minimumPerTask)) <= 1 {
      body(0..<count)
      return
    }
    _ = mapChunks(count, minimumPerTask: minimumPerTask, body)
  }
}

extension Parallel {
  /// Calls `body` over disjoint subranges covering `0..<count`, concurrently
  /// when each task gets at least `minimumPerTask` items, and returns each
  /// call's result in the order of the subranges (so a reduction over them
  /// gives the same answer whatever the split, when it breaks ties by
  /// order). ``forEachChunk(_:minimumPerTask:_:)`` splits through it.
  @inlinable
  public static func mapChunks<T>(
    _ count: Int, minimumPerTask: Int = Parallel.minimumPerTask, _ body: (Range<Int>) -> T
  ) -> [T] {
    let tasks = min(workers, count / max(1, minimumPerTask))
    if tasks <= 1 { return [body(0..<count)] }
    var results = [T?](repeating: nil, count: tasks)
    results.withUnsafeMutableBufferPointer { slots in
      withoutActuallyEscaping(body) { escapable in
        let work = UncheckedSendable(value: (escapable, slots))
        DispatchQueue.concurrentPerform(iterations: tasks) { t in
          let lo = count * t / tasks
          let hi = count * (t + 1) / tasks
          work.value.1[t] = work.value.0(lo..<hi)
        }
      }
    }
    return results.map { $0! }
  }
}

/// Carries a loop body to the worker threads. The callers' bodies write
/// disjoint index ranges of buffers, which is what makes this sound.
@usableFromInline struct UncheckedSendable<T>: @unchecked Sendable {
  @usableFromInline let value: T
  @usableFromInline init(value: T) { self.value = value }
}

/// Processor count without Foundation.
enum System {
  static var activeProcessorCount: Int {
    #if canImport(Glibc)
      return Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    #else
      return 1
    #endif
  }
}
#if canImport(Glibc)
  import Glibc
#endif
