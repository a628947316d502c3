import Synchronization

/// A flag set from any thread (timeout timer, task cancellation) and polled by libgit2
/// callbacks on the thread doing the work, which then abort the operation.
final class CancelFlag: Sendable {
  enum Reason: UInt8 {
    case none = 0
    case cancelled = 1
    case timedOut = 2
  }

  private let state = Atomic<UInt8>(Reason.none.rawValue)

  /// Records the first reason; later ones are ignored.
  func cancel(_ reason: Reason) {
    _ = state.compareExchange(
      expected: Reason.none.rawValue, desired: reason.rawValue, ordering: .relaxed)
  }

  var reason: Reason { Reason(rawValue: state.load(ordering: .relaxed)) ?? .none }
  var isCancelled: Bool { reason != .none }
}
