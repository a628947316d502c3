import Foundation
import Objects

/// Prepares a batch of creates (`PreparedCreate.prepare`) on another thread, in order and
/// a bounded window ahead of the writer that takes them. Preparing (defaults, checks,
/// metadata, JSON) was a third of a batched create's time on the writer; here it runs on
/// the second core while the writer inserts rows.
///
/// Object `i` is prepared for revision `base + i + 1`, the one it gets when every create
/// before it succeeds; the writer checks that, and the registry, before using one.
final class CreatePipeline: @unchecked Sendable {
  /// Objects prepared per hand-over.
  static let chunk = 64
  /// How far ahead of the writer preparation may run, in objects.
  static let window = 1_024

  private let condition = NSCondition()
  // Guarded by `condition`.
  private var prepared: [PreparedCreate.Outcome?]
  private var produced = 0
  private var taken = 0
  private var cancelled = false

  init(_ objects: [Object], registry: TypeRegistry, base: Int64, now: Double) {
    prepared = Array(repeating: nil, count: objects.count)
    // A thread of its own, not a pool's: the writer waits for it holding SQLite's write
    // lock, so it must not queue behind other work.
    let thread = Thread { [self] in produce(objects, registry: registry, base: base, now: now) }
    thread.qualityOfService = .userInitiated
    thread.start()
  }

  /// The next object's preparation, waiting for it if need be.
  func next() -> PreparedCreate.Outcome {
    condition.lock()
    defer { condition.unlock() }
    while produced <= taken { condition.wait() }
    // Moved out, not copied: an outcome holds a whole object.
    let outcome = prepared[taken].take()!
    taken += 1
    if produced - taken < Self.window { condition.broadcast() }
    return outcome
  }

  /// Stops preparing (the writer has stopped taking).
  func cancel() {
    condition.lock()
    cancelled = true
    condition.broadcast()
    condition.unlock()
  }

  private func produce(_ objects: [Object], registry: TypeRegistry, base: Int64, now: Double) {
    var start = 0
    while start < objects.count {
      let end = min(objects.count, start + Self.chunk)
      var outcomes: [PreparedCreate.Outcome] = []
      outcomes.reserveCapacity(end - start)
      for i in start..<end {
        outcomes.append(
          PreparedCreate.prepare(
            objects[i], registry: registry, revision: base + Int64(i) + 1, now: now))
      }
      condition.lock()
      for (offset, outcome) in outcomes.enumerated() { prepared[start + offset] = outcome }
      produced = end
      condition.broadcast()
      while !cancelled && produced - taken >= Self.window { condition.wait() }
      let stop = cancelled
      condition.unlock()
      if stop { return }
      start = end
    }
  }
}
