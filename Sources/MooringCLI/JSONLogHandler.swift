import Foundation
import Logging

/// A swift-log handler writing one JSON object per line to standard error:
/// `{"time":…,"level":…,"label":…,"message":…, …metadata}`.
struct JSONLogHandler: LogHandler {
  var label: String
  var logLevel: Logger.Level = .info
  var metadata: Logger.Metadata = [:]

  subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { metadata[key] }
    set { metadata[key] = newValue }
  }

  func log(event: LogEvent) {
    var fields: [String: String] = [:]
    for (k, v) in metadata { fields[k] = "\(v)" }
    for (k, v) in event.metadata ?? [:] { fields[k] = "\(v)" }
    fields["time"] = ISO8601DateFormatter().string(from: Date())
    fields["level"] = event.level.rawValue
    fields["label"] = label
    fields["message"] = "\(event.message)"
    if let data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]) {
      FileHandle.standardError.write(data + Data("\n".utf8))
    }
  }
}
