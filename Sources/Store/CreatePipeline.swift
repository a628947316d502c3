import Dispatch
import Foundation
import Objects
import Synchronization

/// Prepares a batch of creates (`PreparedCreate.prepare`) on another thread, in order and
/// a bounded window ahead of the writer that takes them. Preparing (defaults, checks,
/// metadata, JSON) was a third of a batched create's time on the writer; here it runs on
/// the second core while the writer inserts rows.
///
/// Object `i` is prepared for revision `base + i + 1`, the one it gets when every create
/// before it succeeds; the writer checks that, and the registry, before using one.
final class CreatePipeline: Sendable {
  /// Objects prepared per hand-over.
  static let chunk = 64
  /// How far ahead of the writer preparation may run, in objects.
  static let window = 1_024

  private struct State: ~Copyable {
    var prepared: [PreparedCreate.Outcome?]
    var produced = 0
    var taken = 0
    var cancelled = false
    /// Set by a side about to wait on its semaphore; the other side clears it and
    /// signals, so every signal meets exactly one wait.
    var writerWaiting = false
    var producerWaiting = false
  }

  private let state: Mutex<State>
  /// Signalled when objects are prepared for a waiting writer.
  private let ready = DispatchSemaphore(value: 0)
  /// Signalled when the writer makes room for a waiting producer, or cancels.
  private let room = DispatchSemaphore(value: 0)

  init(_ objects: [Object], registry: TypeRegistry, base: Int64, now: Double) {
    state = Mutex(State(prepared: Array(repeating: nil, count: objects.count)))
    // A thread of its own, not a pool's: the writer waits for it holding SQLite's write
    // lock, so it must not queue behind other work.
    let thread = Thread { [self] in produce(objects, registry: registry, base: base, now: now) }
    thread.qualityOfService = .userInitiated
    thread.start()
  }

  /// The next object's preparation, waiting for it if need be.
  func next() -> PreparedCreate.Outcome {
    while true {
      let (outcome, wakeProducer) = state.withLock {
        (s: inout State) -> (PreparedCreate.Outcome?, Bool) in
        guard s.produced > s.taken else {
          s.writerWaiting = true
          return (nil, false)
        }
        // Moved out, not copied: an outcome holds a whole object.
        let outcome = s.prepared[s.taken].take()
        s.taken += 1
        let wake = s.producerWaiting && s.produced - s.taken < Self.window
        if wake { s.producerWaiting = false }
        return (outcome, wake)
      }
      if wakeProducer { room.signal() }
      if let outcome { return outcome }
      ready.wait()
    }
  }

  /// Stops preparing (the writer has stopped taking).
  func cancel() {
    let wake = state.withLock { (s: inout State) -> Bool in
      s.cancelled = true
      defer { s.producerWaiting = false }
      return s.producerWaiting
    }
    if wake { room.signal() }
  }

  private func produce(_ objects: [Object], registry: TypeRegistry, base: Int64, now: Double) {
    var start = 0
    while start < objects.count, !state.withLock({ $0.cancelled }) {
      let end = min(objects.count, start + Self.chunk)
      var outcomes: [PreparedCreate.Outcome] = []
      outcomes.reserveCapacity(end - start)
      for i in start..<end {
        outcomes.append(
          PreparedCreate.prepare(
            objects[i], registry: registry, revision: base + Int64(i) + 1, now: now))
      }
      let (wakeWriter, mustWait) = state.withLock { (s: inout State) -> (Bool, Bool) in
        for (offset, outcome) in outcomes.enumerated() { s.prepared[start + offset] = outcome }
        s.produced = end
        let wake = s.writerWaiting
        s.writerWaiting = false
        let full = !s.cancelled && end < objects.count && s.produced - s.taken >= Self.window
        if full { s.producerWaiting = true }
        return (wake, full)
      }
      if wakeWriter { ready.signal() }
      if mustWait { room.wait() }
      start = end
    }
  }
}
