import Synchronization

/// The chunks of one watch response, between the task that encodes events and the
/// connection that sends them. At most `limit` chunks wait: past that the producer waits
/// for the client to read (backpressure), so a client that stops reading holds the
/// server's memory to `limit` chunks. The store's watch, which the producer reads, then
/// falls behind and is closed by the store with an error the client resumes from.
///
/// One producer and one consumer. `finish()` ends the queue from either side: the
/// consumer gets what is buffered and then the end; a waiting producer gets `false`.
public final class WatchChunkQueue: AsyncSequence, Sendable {
  public typealias Element = [UInt8]

  private struct State {
    var chunks: [[UInt8]] = []
    var head = 0
    var finished = false
    var consumer: CheckedContinuation<[UInt8]?, Never>?
    /// A producer waiting for room, with the chunk it brings.
    var producer: (CheckedContinuation<Bool, Never>, [UInt8])?
    var onFinish: (@Sendable () -> Void)?

    var count: Int { chunks.count - head }

    /// Where a pushed chunk goes: to a waiting consumer, into the buffer, or (when full)
    /// nowhere yet, the producer then waiting with it (if `waiting` is given).
    mutating func offer(
      _ chunk: [UInt8], limit: Int, waiting: CheckedContinuation<Bool, Never>?
    ) -> Offered {
      if finished { return .done(false) }
      if let consumer {
        self.consumer = nil
        return .hand(consumer)
      }
      if count < limit {
        chunks.append(chunk)
        return .done(true)
      }
      if let waiting { producer = (waiting, chunk) }
      return .wait
    }

    /// The next chunk (letting a waiting producer's chunk in), the end, or nothing yet.
    mutating func take() -> Taken {
      guard count > 0 else { return finished ? .end : .wait }
      let chunk = chunks[head]
      head += 1
      if head > 64, head * 2 > chunks.count {
        chunks.removeFirst(head)
        head = 0
      }
      var waiting: CheckedContinuation<Bool, Never>?
      if let (producer, brought) = producer {
        chunks.append(brought)
        self.producer = nil
        waiting = producer
      }
      return .chunk(chunk, waiting)
    }
  }

  private enum Offered {
    case done(Bool)
    case hand(CheckedContinuation<[UInt8]?, Never>)
    case wait
  }

  private enum Taken {
    case chunk([UInt8], CheckedContinuation<Bool, Never>?)
    case end
    case wait
  }

  private let state: Mutex<State>
  /// How many chunks may wait for the client.
  public let limit: Int

  public init(limit: Int) {
    self.limit = Swift.max(1, limit)
    state = Mutex(State())
  }

  /// Called once, when the queue finishes (to stop the producer).
  public func onFinish(_ action: @escaping @Sendable () -> Void) {
    let run = state.withLock { s -> Bool in
      if s.finished { return true }
      s.onFinish = action
      return false
    }
    if run { action() }
  }

  /// Adds a chunk, waiting while `limit` chunks wait; false once the queue has finished
  /// (the client is gone or the watch ended), and the chunk is dropped.
  public func push(_ chunk: [UInt8]) async -> Bool {
    switch state.withLock({ $0.offer(chunk, limit: limit, waiting: nil) }) {
    case .done(let accepted): return accepted
    case .hand(let consumer):
      consumer.resume(returning: chunk)
      return true
    case .wait:
      return await withTaskCancellationHandler {
        await withCheckedContinuation { (c: CheckedContinuation<Bool, Never>) in
          // Decided again: the consumer may have drained the buffer, or be waiting now.
          switch state.withLock({ $0.offer(chunk, limit: limit, waiting: c) }) {
          case .done(let accepted): c.resume(returning: accepted)
          case .hand(let consumer):
            consumer.resume(returning: chunk)
            c.resume(returning: true)
          case .wait: break
          }
        }
      } onCancel: {
        finish()
      }
    }
  }

  /// Ends the queue: the consumer gets what is buffered, then the end.
  public func finish() {
    let (consumer, producer, action) = state.withLock {
      s -> (
        CheckedContinuation<[UInt8]?, Never>?, CheckedContinuation<Bool, Never>?,
        (@Sendable () -> Void)?
      ) in
      if s.finished { return (nil, nil, nil) }
      s.finished = true
      defer {
        s.consumer = nil
        s.producer = nil
        s.onFinish = nil
      }
      return (s.consumer, s.producer?.0, s.onFinish)
    }
    consumer?.resume(returning: nil)
    producer?.resume(returning: false)
    action?()
  }

  /// The next chunk, waiting for one; nil at the end (or when the consumer's task is
  /// cancelled, which finishes the queue).
  func next() async -> [UInt8]? {
    switch state.withLock({ $0.take() }) {
    case .chunk(let chunk, let producer):
      producer?.resume(returning: true)
      return chunk
    case .end: return nil
    case .wait:
      return await withTaskCancellationHandler {
        await withCheckedContinuation { (c: CheckedContinuation<[UInt8]?, Never>) in
          let step = state.withLock { s -> Taken in
            let step = s.take()
            if case .wait = step { s.consumer = c }
            return step
          }
          switch step {
          case .chunk(let chunk, let producer):
            producer?.resume(returning: true)
            c.resume(returning: chunk)
          case .end: c.resume(returning: nil)
          case .wait: break
          }
        }
      } onCancel: {
        finish()
      }
    }
  }

  public struct AsyncIterator: AsyncIteratorProtocol {
    let queue: WatchChunkQueue
    public mutating func next() async -> [UInt8]? { await queue.next() }
  }

  public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(queue: self) }
}
