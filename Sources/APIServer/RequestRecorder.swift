import Foundation
import Objects

/// What happens after a request was answered, whichever path answered it: its metrics,
/// and its entry in the `--audit-log-path` file and the store's request trail.
struct RequestRecorder: Sendable {
  let metrics: Bool
  let auditLog: AuditLog?
  let requestTrail: RequestAuditTrail?

  /// Records an authenticated request and its answer.
  func record(_ request: APIRequest, _ answer: APIResponse, received: Date) {
    let finished = Date()
    if metrics {
      let resource: String
      if case .resource(let p) = request.target {
        resource = p.group.isEmpty ? p.resource : "\(p.resource).\(p.group)"
      } else {
        resource = ""
      }
      APIMetrics.record(
        verb: AuditLog.verb(request), resource: resource, code: answer.status,
        seconds: finished.timeIntervalSince(received))
    }
    guard auditLog != nil || requestTrail != nil else { return }
    var request = request
    request.body = []
    var written: Value?
    if request.method != "GET", answer.status < 300 {
      let bytes = answer.bytes
      if !bytes.isEmpty { written = try? JSON.decode(bytes) }
    }
    var entry = AuditLog.Entry(
      request: request, status: answer.status, received: received, finished: finished,
      resourceVersion: written?[path: "metadata.resourceVersion"]?.stringValue)
    if request.method == "POST" {
      entry.createdName = written?[path: "metadata.name"]?.stringValue
    }
    auditLog?.record(entry)
    requestTrail?.record(entry.record)
  }

  /// Records a request refused for want of valid credentials (401).
  func recordUnauthenticated(_ request: APIRequest, received: Date) {
    guard auditLog != nil || requestTrail != nil else { return }
    let entry = AuditLog.Entry(request: request, status: 401, received: received, finished: Date())
    auditLog?.record(entry)
    requestTrail?.record(entry.record)
  }
}
