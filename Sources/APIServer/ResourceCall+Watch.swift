import Foundation
import Objects
import Store

extension ResourceCall {
  /// GET with `watch=true`: newline-delimited `WatchEvent`s. From `resourceVersion` N, the
  /// changes after N; from 0 or none, a synthetic ADDED per current object first (what
  /// kubectl's single-object watch expects). A compacted revision ends the stream with an
  /// ERROR event carrying a 410 Expired Status.
  func watch() async throws -> APIResponse {
    var options = try listOptions()
    options.limit = 0
    options.continueToken = nil
    let rvText = request.query["resourceVersion"] ?? ""
    var initial: [Object] = []
    let from: Int64
    // Streaming lists (`sendInitialEvents=true`): the current state as ADDED events, then
    // a BOOKMARK annotated `k8s.io/initial-events-end`, then changes.
    let streamingList = request.flag("sendInitialEvents")
    if streamingList {
      guard request.flag("allowWatchBookmarks") else {
        throw APIError.invalid(
          kind: "ListOptions", group: "meta.k8s.io", name: "",
          errors: [
            .forbidden(
              ValuePath(keys: "allowWatchBookmarks"),
              "allowWatchBookmarks must be set to true when sendInitialEvents is set")
          ])
      }
      let page = try await store.list(type.groupResource, options)
      initial = page.items
      from = page.resourceVersion
    } else if rvText.isEmpty || rvText == "0" {
      if request.query["sendInitialEvents"] == "false" {
        from = try await store.currentRevision()
      } else {
        let page = try await store.list(type.groupResource, options)
        initial = page.items
        from = page.resourceVersion
      }
    } else {
      guard let n = Int64(rvText) else {
        throw APIError.badRequest("invalid resourceVersion \"\(rvText)\"")
      }
      from = n
    }
    var timeout = 1800.0
    if let text = request.query["timeoutSeconds"] {
      guard let seconds = Double(text), seconds.isFinite, seconds >= 0 else {
        throw APIError.badRequest("invalid timeoutSeconds \"\(text)\"")
      }
      timeout = min(seconds, 1e7)
    }
    let bookmarks = request.flag("allowWatchBookmarks")
    let table = request.wantsTable
    var events: AsyncThrowingStream<WatchEvent, any Error>?
    var expired: APIError?
    do {
      events = try await store.watch(type.groupResource, from: from, options)
    } catch {
      guard case .expired = error else { throw error }
      expired = APIError.from(error, type: type)
    }
    let call = self
    // Bounded, with backpressure: a client that stops reading holds at most
    // `watchBufferChunks` events here; the store's watch then falls behind and is closed
    // by the store with an error the client resumes from.
    let queue = WatchChunkQueue(limit: APIHandler.watchBufferChunks)
    let producer = Task {
      // The time limit covers everything, the initial events included.
      let deadline = ContinuousClock.now + .milliseconds(Int64(timeout * 1000))
      let timer = Task {
        try? await Task.sleep(until: deadline)
        queue.finish()
      }
      defer { timer.cancel() }
      func yield(_ chunk: [UInt8]) async -> Bool { await queue.push(chunk) }
      var first = true
      func send(_ kind: String, _ object: Object) async -> Bool {
        var payload = call.present(object)
        if table {
          payload =
            (try? await call.handler.table(
              for: [object], type: call.type, version: call.path.version,
              resourceVersion: object.resourceVersion ?? "", continueToken: nil,
              columns: first, includeObject: call.request.query["includeObject"])) ?? payload
          first = false
        }
        return await yield(JSON.encodeBytes(["type": .string(kind), "object": payload]) + [10])
      }
      for object in initial where !(await send("ADDED", object)) { return }
      if streamingList {
        var bookmark = Value.map([
          "kind": .string(call.type.kind), "apiVersion": .string(call.path.apiVersion),
        ])
        bookmark[path: "metadata.resourceVersion"] = .string(String(from))
        bookmark[path: "metadata.annotations"] = ["k8s.io/initial-events-end": "true"]
        guard await yield(JSON.encodeBytes(["type": "BOOKMARK", "object": bookmark]) + [10]) else {
          return
        }
      }
      if let expired {
        _ = await yield(JSON.encodeBytes(["type": "ERROR", "object": expired.status]) + [10])
        queue.finish()
        return
      }
      do {
        for try await event in events! {
          if Task.isCancelled { break }
          switch event.kind {
          case .bookmark:
            if bookmarks {
              var bookmark = Value.map([
                "kind": .string(call.type.kind), "apiVersion": .string(call.path.apiVersion),
              ])
              bookmark[path: "metadata.resourceVersion"] = .string(String(event.revision))
              guard await yield(JSON.encodeBytes(["type": "BOOKMARK", "object": bookmark]) + [10])
              else { return }
            }
          default:
            guard await send(event.kind.rawValue, event.object) else { return }
          }
        }
      } catch let error as StoreError {
        _ = await yield(
          JSON.encodeBytes([
            "type": "ERROR", "object": APIError.from(error, type: call.type).status,
          ])
            + [10])
      } catch {}
      queue.finish()
    }
    queue.onFinish { producer.cancel() }
    return APIResponse(
      status: 200, headers: [("Content-Type", "application/json")],
      body: .stream(queue))
  }
}
