import Foundation
import Synchronization

/// Runs blocking libgit2 work on its own thread, off Swift's cooperative pool, and returns
/// when it finishes, when `timeout` passes or when the calling task is cancelled, whichever
/// comes first. On timeout or cancellation the flag is set so libgit2's callbacks abort the
/// work; a thread stuck in a system call (a silent TCP peer) finishes on its own later and
/// its result is dropped.
enum DetachedWork {
  static func run<T: Sendable>(
    timeout: Duration, cancel: CancelFlag, describe: String,
    _ work: @escaping @Sendable () throws -> T
  ) async throws -> T {
    let gate = ResultGate<T>()
    return try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, Error>) in
        gate.attach(continuation)
        let timer = Task {
          try await Task.sleep(for: timeout)
          cancel.cancel(.timedOut)
          gate.finish(.failure(GitError(.timedOut, "\(describe): timed out after \(timeout)")))
        }
        let thread = Thread {
          let result = Result { try work() }
          timer.cancel()
          gate.finish(result)
        }
        thread.name = "mooring-git"
        thread.stackSize = 8 << 20
        thread.start()
      }
    } onCancel: {
      cancel.cancel(.cancelled)
      gate.finish(.failure(GitError(.cancelled, "\(describe): cancelled")))
    }
  }
}

/// Resumes a continuation exactly once with whichever result arrives first, even if that
/// happens before the continuation is attached (cancellation before the work starts).
private final class ResultGate<T: Sendable>: Sendable {
  private enum State {
    case empty
    case waiting(CheckedContinuation<T, Error>)
    case early(Result<T, Error>)
    case done
  }

  private let state = Mutex<State>(.empty)

  func attach(_ continuation: CheckedContinuation<T, Error>) {
    let early: Result<T, Error>? = state.withLock { state in
      if case .early(let result) = state {
        state = .done
        return result
      }
      state = .waiting(continuation)
      return nil
    }
    if let early { continuation.resume(with: early) }
  }

  func finish(_ result: Result<T, Error>) {
    let continuation: CheckedContinuation<T, Error>? = state.withLock { state in
      switch state {
      case .empty:
        state = .early(result)
        return nil
      case .waiting(let continuation):
        state = .done
        return continuation
      case .early, .done:
        return nil
      }
    }
    continuation?.resume(with: result)
  }
}
