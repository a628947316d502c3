import Foundation
import Objects
import Store

extension ResourceCall {
  /// How stored bytes start when they are already the answer for `apiVersion`: that
  /// apiVersion first. `present` would change nothing else (every stored object has its
  /// `kind`: the store types objects by it), and the store wrote the bytes with the same
  /// encoder an answer uses. kubectl sends keys sorted (`apiVersion`, `data`, `kind`),
  /// so `kind` need not come second.
  static func storedPrefix(apiVersion: String) -> [UInt8] {
    Array("{\"apiVersion\":\"\(apiVersion)\",".utf8)
  }

  /// GET of one object (or its status).
  func get() async throws -> APIResponse {
    if !request.wantsTable {
      // Most GETs answer the object as stored: send its bytes when they already start
      // with the apiVersion asked for (what `present` would set), without decoding them.
      let data = try await store.storedJSON(key)
      let prefix = Self.storedPrefix(apiVersion: path.apiVersion)
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
    // Objects are read as stored and decoded one at a time, only where the answer needs
    // them; the answer is encoded chunk by chunk as it is sent: a list of 10,000 never
    // holds 10,000 decoded objects, nor its whole encoding.
    let page = try await store.listStoredJSON(type.groupResource, options)
    if request.wantsTable {
      return APIResponse(
        status: 200, headers: [("Content-Type", "application/json")],
        body: .chunked(
          try await handler.table(
            forStored: page.items, type: type, version: path.version,
            resourceVersion: String(page.resourceVersion), continueToken: page.continueToken,
            includeObject: request.query["includeObject"])))
    }
    var metadata: ValueMap = ["resourceVersion": .string(String(page.resourceVersion))]
    if let token = page.continueToken { metadata["continue"] = .string(token) }
    let head: Value = [
      "apiVersion": .string(path.apiVersion), "kind": .string(type.listKind),
      "metadata": .map(metadata),
    ]
    let prefix = Self.storedPrefix(apiVersion: path.apiVersion)
    let items = page.items
    let body = ChunkedBody.jsonObject(head: head, member: "items", count: items.count) {
      [self] i, out in
      let data = items[i]
      if data.starts(with: prefix) {
        out.append(contentsOf: data)
      } else {
        JSON.encode(present(try Object(JSON.decode(Array(data)))), appendingTo: &out)
      }
    }
    return APIResponse(
      status: 200, headers: [("Content-Type", "application/json")], body: .chunked(body))
  }
}
