import Objects
import Synchronization

/// A committed change as the store publishes it: the object after the change (its last
/// state for a deletion) and, for modifications, the state before.
struct CommittedChange: Sendable {
  var kind: WatchEvent.Kind
  var resource: GroupResource
  var object: Object
  var old: Object?
  var revision: Int64
}

/// Fans committed changes out to watchers, in commit order.
///
/// Each watcher has a bounded buffer. A watcher that falls `capacity` events behind is
/// closed with `StoreError.tooSlow(revision:)` carrying the last revision it was sent, so
/// it can resume; writers never wait for watchers and memory stays bounded.
///
/// A watcher starting from a past revision registers first (live changes are held while
/// it catches up), then receives the history read from the change log, then the held
/// changes newer than that history: no gap, no duplicate.
final class WatchHub: Sendable {
  typealias Continuation = AsyncThrowingStream<WatchEvent, any Error>.Continuation

  private struct Watcher {
    var filter: WatchFilter
    var continuation: Continuation
    var catchingUp: Bool
    var held: [CommittedChange] = []
    var lastRevision: Int64
    var bookmarkObject: Object
  }

  private struct State {
    var watchers: [Int: Watcher] = [:]
    var nextID = 0
    var revision: Int64
  }

  private let state: Mutex<State>
  let capacity: Int

  init(revision: Int64, capacity: Int) {
    state = Mutex(State(revision: revision))
    self.capacity = capacity
  }

  /// Number of open watchers.
  var count: Int { state.withLock { $0.watchers.count } }

  /// Registers a watcher. With `catchingUp`, live changes are held until
  /// `finishCatchUp`. Returns its id and the latest published revision.
  func register(
    _ filter: WatchFilter, _ continuation: Continuation, catchingUp: Bool, from revision: Int64,
    bookmarkObject: Object
  ) -> (id: Int, revision: Int64) {
    state.withLock { s in
      let id = s.nextID
      s.nextID += 1
      s.watchers[id] = Watcher(
        filter: filter, continuation: continuation, catchingUp: catchingUp,
        lastRevision: catchingUp ? revision : s.revision, bookmarkObject: bookmarkObject)
      return (id, s.revision)
    }
  }

  /// Delivers the history (`changes`, read up to `revision`), then the live changes held
  /// meanwhile that are newer, and switches the watcher to live delivery.
  func finishCatchUp(_ id: Int, history: [CommittedChange], upTo revision: Int64) {
    let closed: Watcher? = state.withLock { s in
      guard var w = s.watchers[id] else { return nil }
      for change in history where !Self.deliver(change, to: &w) {
        s.watchers[id] = nil
        return w
      }
      w.lastRevision = max(w.lastRevision, revision)
      for change in w.held where change.revision > revision {
        if !Self.deliver(change, to: &w) {
          s.watchers[id] = nil
          return w
        }
      }
      w.held = []
      w.catchingUp = false
      s.watchers[id] = w
      return nil
    }
    if let closed { Self.closeTooSlow(closed) }
  }

  /// Removes a watcher (its stream ended or was cancelled).
  func remove(_ id: Int) {
    _ = state.withLock { $0.watchers.removeValue(forKey: id) }
  }

  /// Publishes the changes of one commit, in revision order.
  func publish(_ changes: [CommittedChange]) {
    guard let last = changes.last else { return }
    let closed: [Watcher] = state.withLock { s in
      var closed: [Watcher] = []
      s.revision = last.revision
      for id in Array(s.watchers.keys) {
        guard var w = s.watchers[id] else { continue }
        if w.catchingUp {
          w.held.append(contentsOf: changes.filter { $0.resource == w.filter.resource })
          if w.held.count > capacity {
            closed.append(w)
            s.watchers[id] = nil
          } else {
            s.watchers[id] = w
          }
          continue
        }
        var open = true
        for change in changes where open {
          open = Self.deliver(change, to: &w)
        }
        if open {
          s.watchers[id] = w
        } else {
          closed.append(w)
          s.watchers[id] = nil
        }
      }
      return closed
    }
    // Finishing runs the stream's termination handler, which takes the lock again.
    for w in closed { Self.closeTooSlow(w) }
  }

  private static func closeTooSlow(_ w: Watcher) {
    w.continuation.finish(throwing: StoreError.tooSlow(revision: w.lastRevision))
  }

  /// Sends a BOOKMARK carrying the latest published revision to a live watcher.
  func bookmark(_ id: Int) {
    let closed: Watcher? = state.withLock { s in
      guard var w = s.watchers[id], !w.catchingUp else { return nil }
      let revision = max(w.lastRevision, s.revision)
      var object = w.bookmarkObject
      object.resourceVersion = String(revision)
      let event = WatchEvent(kind: .bookmark, object: object, revision: revision)
      if case .dropped = w.continuation.yield(event) {
        s.watchers[id] = nil
        return w
      }
      w.lastRevision = revision
      s.watchers[id] = w
      return nil
    }
    if let closed { Self.closeTooSlow(closed) }
  }

  /// Closes every watcher with Expired (410): what happened after `revision` cannot be
  /// told, so clients list again.
  func closeAll(expiredAt revision: Int64) {
    let all = state.withLock { s in
      defer { s.watchers = [:] }
      return Array(s.watchers.values)
    }
    for w in all {
      w.continuation.finish(
        throwing: StoreError.expired(requested: w.lastRevision, oldest: revision))
    }
  }

  /// Closes every watcher (the store is closing).
  func closeAll() {
    let all = state.withLock { s in
      defer { s.watchers = [:] }
      return Array(s.watchers.values)
    }
    for w in all { w.continuation.finish() }
  }

  /// Sends `change` to `w` as the event its selectors make of it (a modification that
  /// moves an object into or out of the selection is an ADDED or a DELETED). Returns
  /// false when the watcher's buffer overflowed (the caller closes it, outside the lock).
  private static func deliver(_ change: CommittedChange, to w: inout Watcher) -> Bool {
    guard change.resource == w.filter.resource, change.revision > w.lastRevision else {
      return true
    }
    let kind: WatchEvent.Kind
    let now = w.filter.matches(change.object)
    switch change.kind {
    case .modified:
      let before = change.old.map(w.filter.matches) ?? now
      switch (before, now) {
      case (true, true): kind = .modified
      case (false, true): kind = .added
      case (true, false): kind = .deleted
      case (false, false): return true
      }
    case .added, .deleted, .bookmark:
      guard now else { return true }
      kind = change.kind
    }
    let event = WatchEvent(kind: kind, object: change.object, revision: change.revision)
    if case .dropped = w.continuation.yield(event) { return false }
    w.lastRevision = change.revision
    return true
  }
}
