/// Finishes a queue when released: held by a response body, it stops the producer even
/// when the body never runs (the client went away before the head was sent).
final class FinishOnRelease: Sendable {
  let queue: WatchChunkQueue
  init(_ queue: WatchChunkQueue) { self.queue = queue }
  deinit { queue.finish() }
}
