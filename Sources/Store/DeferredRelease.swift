import Dispatch
import Synchronization

/// Frees a large value on a background thread instead of the caller's. After a batch
/// commits, the writer dropped the transaction's changes: a thousand objects, each a tree
/// of values, freed one by one while the next transaction waited for the writer (4% of a
/// batched create's time).
enum DeferredRelease {
  private final class Box<Value: Sendable>: Sendable {
    let value: Mutex<Value?>
    init(_ value: consuming Value) { self.value = Mutex(Optional(value)) }
  }

  /// Takes `value` and drops it on a utility-priority thread.
  static func release<Value: Sendable>(_ value: consuming Value) {
    let box = Box(value)
    DispatchQueue.global(qos: .utility).async { box.value.withLock { $0 = nil } }
  }
}
