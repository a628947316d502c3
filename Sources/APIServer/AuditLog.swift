import Foundation
import Objects
import Store
import Synchronization

/// The request audit log (`--audit-log-path`): one `audit.k8s.io/v1` Event per request,
/// as a JSON line, at level Metadata (who, what, which object, the answer and how long it
/// took; never bodies, so no secret content is written).
///
/// A request appends its line to a buffer; `flush` writes the buffer with one write (the
/// daemon flushes every 250 ms and once more after the API has stopped), as
/// kube-apiserver's `--audit-log-mode=batch` does. A request never waits for the disk,
/// so GETs answered on an event loop can be logged too. At most `maxPendingBytes` wait;
/// past that (a disk that cannot keep up) lines are counted as dropped.
public final class AuditLog: Sendable {
  /// The file, and whether the last write failed (the next one starts a new line, so a
  /// line cut short is not joined to the next).
  private let file: Mutex<(handle: FileHandle, torn: Bool)>
  private let pending = Mutex<[UInt8]>([])
  private let dropped = Atomic<Int>(0)
  /// Bytes of lines waiting at most before new ones are dropped.
  public let maxPendingBytes: Int

  /// Opens (appending to) the file at `path`.
  public init(path: String, maxPendingBytes: Int = 64 << 20) throws {
    self.maxPendingBytes = maxPendingBytes
    // O_APPEND: every write lands at the end, also after a rotation truncated the file.
    let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
    guard fd >= 0 else {
      throw AuditLogError(
        message:
          "cannot open the audit log \(path) for writing: \(String(cString: strerror(errno)))")
    }
    file = Mutex((FileHandle(fileDescriptor: fd, closeOnDealloc: true), false))
  }

  /// One finished request.
  public struct Entry: Sendable {
    public var request: APIRequest
    public var status: Int
    public var received: Date
    public var finished: Date
    /// The resourceVersion a write produced.
    public var resourceVersion: String?
    /// The name of the object a create made (its path names none).
    public var createdName: String?
  }

  /// The Event of `entry`.
  static func event(_ entry: Entry) -> Value {
    let r = entry.request
    let verb = Self.verb(r)
    var event: ValueMap = [
      "kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "Metadata",
      "auditID": .string(ObjectUIDs.next()), "stage": "ResponseComplete",
      "requestURI": .string(r.uri), "verb": .string(verb),
      "user": [
        "username": .string(r.user.username), "groups": .list(r.user.groups.map(Value.string)),
      ],
      "sourceIPs": .list(r.sourceAddress.map { [.string($0)] } ?? []),
      "userAgent": .string(r.headers["user-agent"] ?? ""),
    ]
    if case .resource(let path) = r.target {
      var ref: ValueMap = [
        "resource": .string(path.resource), "apiGroup": .string(path.group),
        "apiVersion": .string(path.version),
      ]
      if let ns = path.namespace { ref["namespace"] = .string(ns) }
      if let name = path.name ?? entry.createdName { ref["name"] = .string(name) }
      if let sub = path.subresource { ref["subresource"] = .string(sub) }
      if let rv = entry.resourceVersion { ref["resourceVersion"] = .string(rv) }
      event["objectRef"] = .map(ref)
    }
    event["responseStatus"] = ["metadata": .map([:]), "code": .int(Int64(entry.status))]
    event["requestReceivedTimestamp"] = .string(Self.timestamp(entry.received))
    event["stageTimestamp"] = .string(Self.timestamp(entry.finished))
    event["annotations"] = [
      "mooring.dev/latency-ms": .string(
        Self.milliseconds(entry.finished.timeIntervalSince(entry.received)))
    ]
    return .map(event)
  }

  /// Queues `entry`'s line.
  public func record(_ entry: Entry) {
    let line = JSON.encodeBytes(Self.event(entry)) + [10]
    let kept = pending.withLock { p in
      guard p.count + line.count <= maxPendingBytes else { return false }
      p.append(contentsOf: line)
      return true
    }
    if !kept { dropped.add(1, ordering: .relaxed) }
  }

  /// What one `flush` did.
  public struct Flushed: Sendable, Equatable {
    /// Bytes written.
    public var bytes: Int
    /// Lines dropped since the last flush because the buffer was full.
    public var dropped: Int
  }

  /// A write of the queued lines failed: they are lost.
  public struct WriteFailed: Error, CustomStringConvertible {
    /// The lines lost: the batch, and those dropped before it.
    public var lines: Int
    public var error: any Error
    public var description: String { "\(lines) audit log lines lost: \(error)" }
  }

  /// Writes the queued lines to the file; one flush at a time, so batches stay in order.
  @discardableResult
  public func flush() throws(WriteFailed) -> Flushed {
    try file.withLock { (f) throws(WriteFailed) -> Flushed in
      var batch: [UInt8] = []
      pending.withLock { swap(&batch, &$0) }
      let lost = dropped.exchange(0, ordering: .relaxed)
      guard !batch.isEmpty else { return Flushed(bytes: 0, dropped: lost) }
      do {
        if f.torn { try f.handle.write(contentsOf: [10]) }
        try f.handle.write(contentsOf: batch)
        f.torn = false
      } catch {
        f.torn = true
        throw WriteFailed(lines: lost + batch.lazy.filter { $0 == 10 }.count, error: error)
      }
      return Flushed(bytes: batch.count, dropped: lost)
    }
  }

  /// kube's verb for a request: get/list/watch/create/update/patch/delete/deletecollection.
  static func verb(_ r: APIRequest) -> String {
    let named: Bool
    if case .resource(let path) = r.target {
      named = path.name != nil
    } else {
      return r.method.lowercased()
    }
    switch r.method {
    case "GET": return named ? "get" : (r.flag("watch") ? "watch" : "list")
    case "POST": return "create"
    case "PUT": return "update"
    case "PATCH": return "patch"
    case "DELETE": return named ? "delete" : "deletecollection"
    default: return r.method.lowercased()
    }
  }

  /// `seconds` in milliseconds with three decimals ("1.500"), without Foundation's
  /// formatter (this runs on event loops).
  static func milliseconds(_ seconds: Double) -> String {
    let micros = max(0, Int64((seconds * 1e6).rounded()))
    let (whole, fraction) = micros.quotientAndRemainder(dividingBy: 1_000)
    let digits = String(fraction)
    return String(whole) + "." + String(repeating: "0", count: 3 - digits.count) + digits
  }

  /// kube's MicroTime text of `date` (`2026-12-07T02:15:00.123456Z`), to the nearest
  /// microsecond.
  static func timestamp(_ date: Date) -> String {
    let micros = Int64((date.timeIntervalSince1970 * 1e6).rounded())
    let (seconds, fraction) = micros.quotientAndRemainder(dividingBy: 1_000_000)
    return KubeTimestamp.text(seconds: seconds, nanos: fraction * 1_000, micro: true) ?? ""
  }
}

extension AuditLog.Entry {
  /// The entry as the store's request trail keeps it.
  var record: RequestRecord {
    let r = request
    var resource: GroupResource?
    var subresource = ""
    var namespace: String?
    var name = ""
    if case .resource(let path) = r.target {
      resource = GroupResource(group: path.group, resource: path.resource)
      subresource = path.subresource ?? ""
      namespace = path.namespace
      name = path.name ?? createdName ?? ""
    }
    return RequestRecord(
      time: received.timeIntervalSince1970, user: r.user.username, verb: AuditLog.verb(r),
      resource: resource, subresource: subresource, namespace: namespace, name: name, uri: r.uri,
      code: status, latency: finished.timeIntervalSince(received),
      resourceVersion: resourceVersion ?? "")
  }
}

/// The audit log could not be opened.
public struct AuditLogError: Error, CustomStringConvertible {
  public var message: String
  public var description: String { message }
}
