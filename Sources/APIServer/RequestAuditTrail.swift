import Logging
import Store
import Synchronization

/// Every API request, reads included, into the store's request trail (what
/// `mooring audit --requests` reads). A request only appends its record to a buffer; the
/// buffer is written in one short transaction per `flush` (the daemon flushes every
/// 250 ms), so a GET does not pay
/// for a write of its own. At most `maxPending` records wait; past that (a store that
/// cannot keep up) new ones are counted as dropped and the loss is logged.
public final class RequestAuditTrail: Sendable {
  private let store: SQLiteStore
  private let logger: Logger
  private let pending = Mutex<[RequestRecord]>([])
  private let dropped = Atomic<Int>(0)
  /// Records waiting at most before new ones are dropped.
  public let maxPending: Int

  public init(store: SQLiteStore, logger: Logger, maxPending: Int = 100_000) {
    self.store = store
    self.logger = logger
    self.maxPending = maxPending
  }

  /// Queues one finished request.
  public func record(_ record: RequestRecord) {
    let kept = pending.withLock { p in
      guard p.count < maxPending else { return false }
      p.append(record)
      return true
    }
    if !kept { dropped.add(1, ordering: .relaxed) }
  }

  /// Writes what is queued and returns how many records that was; on failure the
  /// records are logged as lost.
  @discardableResult
  public func flush() -> Int {
    // Swapped out: the buffer starts small again (keeping its capacity would copy it whole
    // on the next append, as the batch still shares it).
    var batch: [RequestRecord] = []
    pending.withLock { swap(&batch, &$0) }
    let lost = dropped.exchange(0, ordering: .relaxed)
    if lost > 0 {
      logger.warning(
        "request audit records dropped: the store did not keep up", metadata: ["count": "\(lost)"])
    }
    do {
      try store.recordRequests(batch)
    } catch {
      logger.error(
        "request audit records lost", metadata: ["count": "\(batch.count)", "error": "\(error)"])
    }
    return batch.count
  }
}
