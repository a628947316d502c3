import Logging
import Synchronization

/// A log handler that keeps every message with its metadata, so tests can read what the
/// reconcilers reported.
struct LogCapture: LogHandler {
  /// One logged message.
  struct Entry: Sendable {
    var message: String
    var metadata: [String: String]
  }

  final class Storage: Sendable {
    let entries = Mutex<[Entry]>([])

    /// The metadata of the last message equal to `message`.
    func last(_ message: String) -> [String: String]? {
      entries.withLock { $0.last { $0.message == message }?.metadata }
    }
  }

  let storage: Storage
  var metadata: Logger.Metadata = [:]
  var logLevel: Logger.Level = .debug

  subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { metadata[key] }
    set { metadata[key] = newValue }
  }

  func log(event: LogEvent) {
    var values: [String: String] = [:]
    for (k, v) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
      values[k] = "\(v)"
    }
    let entry = Entry(message: "\(event.message)", metadata: values)
    storage.entries.withLock { $0.append(entry) }
  }
}
