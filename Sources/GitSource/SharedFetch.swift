import Synchronization

/// One fetch shared by every caller that asks for it while it runs. Each waiter can stop
/// waiting on cancellation; when the last waiter leaves, the fetch itself is cancelled.
final class SharedFetch: Sendable {
  private struct State {
    var started = false
    var result: Result<GitFetchSummary, Error>?
    var waiters: [Int: CheckedContinuation<GitFetchSummary, Error>] = [:]
    var nextID = 0
    var interested = 1
    var work: Task<Void, Never>?
  }

  let cancel = CancelFlag()
  private let state = Mutex(State())

  /// Registers another interested caller; false if the fetch already finished.
  func join() -> Bool {
    state.withLock { state in
      guard state.result == nil else { return false }
      state.interested += 1
      return true
    }
  }

  /// Keeps the task doing the work, so the last waiter leaving can cancel it.
  func attach(_ work: Task<Void, Never>) {
    let abandoned = state.withLock { state in
      state.work = work
      return state.interested <= 0
    }
    if abandoned { work.cancel() }
  }

  /// True for exactly one caller: the one that must start the work.
  func start() -> Bool {
    state.withLock { state in
      defer { state.started = true }
      return !state.started
    }
  }

  func complete(_ result: Result<GitFetchSummary, Error>) {
    let waiters = state.withLock { state in
      state.result = result
      defer { state.waiters = [:] }
      return Array(state.waiters.values)
    }
    for waiter in waiters { waiter.resume(with: result) }
  }

  func wait() async throws -> GitFetchSummary {
    let id = state.withLock { state in
      defer { state.nextID += 1 }
      return state.nextID
    }
    return try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { continuation in
        let ready: Result<GitFetchSummary, Error>? = state.withLock { state in
          if let result = state.result { return result }
          if state.interested == 0 {
            return .failure(GitError(.cancelled, "fetch cancelled"))
          }
          state.waiters[id] = continuation
          return nil
        }
        if let ready { continuation.resume(with: ready) }
      }
    } onCancel: {
      let (continuation, last, work) = state.withLock { state in
        state.interested -= 1
        return (state.waiters.removeValue(forKey: id), state.interested <= 0, state.work)
      }
      if last {
        cancel.cancel(.cancelled)
        work?.cancel()
      }
      continuation?.resume(throwing: GitError(.cancelled, "fetch cancelled"))
    }
  }
}
