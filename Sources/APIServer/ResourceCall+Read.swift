import Foundation
import Objects
import Store

extension ResourceCall {
  /// GET of one object (or its status).
  func get() async throws -> APIResponse {
    if !request.wantsTable {
      // Most GETs answer the object as stored: send its bytes when they already start
      // with the apiVersion asked for (what `present` would set), without decoding them.
      let data = try await store.storedJSON(key)
      let prefix = Array("{\"apiVersion\":\"\(path.apiVersion)\",\"kind\":".utf8)
      if data.starts(with: prefix) {
        return APIResponse(
          status: 200, headers: [("Content-Type", "application/json")], body: .bytes(Array(data)))
      }
      return .json(present(try Object(JSON.decode(Array(data)))))
    }
    let object = try await store.get(key)
    if request.wantsTable {
      return .json(
        try await handler.table(
          for: [object], type: type, version: path.version,
          resourceVersion: object.resourceVersion ?? "", continueToken: nil,
          includeObject: request.query["includeObject"]))
    }
    return .json(present(object))
  }

  /// GET of a collection.
  func list() async throws -> APIResponse {
    let options = try listOptions()
    if let rv = request.query["resourceVersion"], !rv.isEmpty, rv != "0", Int64(rv) == nil {
      throw APIError.badRequest("invalid resourceVersion \"\(rv)\"")
    }
    let page = try await store.list(type.groupResource, options)
    if request.wantsTable {
      return .json(
        try await handler.table(
          for: page.items, type: type, version: path.version,
          resourceVersion: String(page.resourceVersion), continueToken: page.continueToken,
          includeObject: request.query["includeObject"]))
    }
    var metadata: ValueMap = ["resourceVersion": .string(String(page.resourceVersion))]
    if let token = page.continueToken { metadata["continue"] = .string(token) }
    if let remaining = page.remainingItemCount, page.continueToken != nil {
      metadata["remainingItemCount"] = .int(Int64(remaining))
    }
    let list: Value = [
      "apiVersion": .string(path.apiVersion), "kind": .string(type.listKind),
      "metadata": .map(metadata), "items": .list(page.items.map(present)),
    ]
    return .json(list)
  }
}
