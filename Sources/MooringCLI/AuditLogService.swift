import APIServer
import Logging
import ServiceLifecycle

/// Writes the `--audit-log-path` file's queued lines every 250 ms, and once more at
/// shutdown, after the API has stopped (it is listed before the API, so it stops after).
struct AuditLogService: Service {
  let log: AuditLog
  let logger: Logger

  func run() async throws {
    await cancelWhenGracefulShutdown {
      while !Task.isCancelled {
        try? await Task.sleep(for: .milliseconds(250))
        flush()
      }
    }
    flush()
  }

  func flush() {
    do {
      let flushed = try log.flush()
      if flushed.dropped > 0 {
        logger.warning(
          "audit log lines dropped: the disk did not keep up",
          metadata: ["count": "\(flushed.dropped)"])
      }
    } catch {
      logger.error("audit log write failed", metadata: ["error": "\(error)"])
    }
  }
}
