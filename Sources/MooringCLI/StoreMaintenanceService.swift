import APIServer
import Logging
import ServiceLifecycle
import Store

/// The daemon's store upkeep as a lifecycle service: writes the request trail every
/// 250 ms (and once more at shutdown, after the API has stopped; the writer's page cache
/// is released every 10 s while requests are written), compacts the change log
/// every `compactionInterval` keeping that much history (as kube-apiserver's
/// `--etcd-compaction-interval` does), and trims the request trail by age and count.
struct StoreMaintenanceService: Service {
  let store: SQLiteStore
  let trail: RequestAuditTrail
  /// Seconds; nil: never compact.
  let compactionInterval: Double?
  /// Seconds a request record is kept.
  let auditRetention: Double
  /// Request records kept at most.
  let auditMaxRequests: Int
  let logger: Logger

  /// How often upkeep runs when compaction is off.
  static let defaultUpkeepSeconds = 300.0

  func run() async throws {
    let upkeepEvery = Duration.seconds(compactionInterval ?? Self.defaultUpkeepSeconds)
    await cancelWhenGracefulShutdown {
      var last = ContinuousClock.now
      var lastRelease = ContinuousClock.now
      var written = 0
      while !Task.isCancelled {
        try? await Task.sleep(for: .milliseconds(250))
        written += trail.flush()
        // The trail's pages are never read back by writes: drop them from the writer's
        // cache now and then, so a stream of requests does not grow the daemon by 64 MiB.
        if written > 0, ContinuousClock.now - lastRelease >= .seconds(10) {
          lastRelease = .now
          written = 0
          try? store.releaseWriterCache()
        }
        if ContinuousClock.now - last >= upkeepEvery {
          last = .now
          upkeep()
        }
      }
    }
    trail.flush()
  }

  func upkeep() {
    do {
      var compacted = 0
      if let compactionInterval {
        compacted = try store.compact(retainSeconds: compactionInterval)
      }
      let trimmed = try store.trimRequests(maxAge: auditRetention, maxCount: auditMaxRequests)
      logger.debug(
        "store upkeep",
        metadata: ["compactedChanges": "\(compacted)", "trimmedRequests": "\(trimmed)"])
    } catch {
      logger.error("store upkeep failed", metadata: ["error": "\(error)"])
    }
  }
}
