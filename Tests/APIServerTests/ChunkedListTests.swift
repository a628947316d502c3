import APIServer
import Admission
import Logging
import Objects
import Store
import Testing

/// Lists are answered chunk by chunk: the chunks join into the same document a whole
/// answer would be, pages and Tables included.
@Suite struct ChunkedListTests {
  static let user = AdmissionUserInfo(username: "admin", groups: ["system:masters"])

  @Test func jsonObjectJoinsHeadAndElements() throws {
    for count in [0, 1, 3, 4, 7] {
      let body = ChunkedBody.jsonObject(
        head: ["kind": "List", "metadata": ["resourceVersion": "9"]], member: "items",
        count: count, perChunk: 3
      ) { i, out in JSON.encode(.int(Int64(i)), appendingTo: &out) }
      #expect(body.count == max(1, (count + 2) / 3))
      let decoded = try JSON.decode(try body.collect())
      #expect(
        decoded == [
          "kind": "List", "metadata": ["resourceVersion": "9"],
          "items": .list((0..<count).map { .int(Int64($0)) }),
        ])
    }
    let bare = ChunkedBody.jsonObject(head: [:], member: "rows", count: 2) { i, out in
      JSON.encode(.string("r\(i)"), appendingTo: &out)
    }
    #expect(String(decoding: try bare.collect(), as: UTF8.self) == #"{"rows":["r0","r1"]}"#)
  }

  struct Undecodable: Error {}

  @Test func anElementThatFailsStopsTheBodyAtItsChunk() throws {
    let body = ChunkedBody.jsonObject(head: [:], member: "items", count: 5, perChunk: 2) {
      i, out in
      if i == 3 { throw Undecodable() }
      JSON.encode(.int(Int64(i)), appendingTo: &out)
    }
    // The chunks before the failing one are whole; the failing one throws (the server then
    // cuts the answer short), and collecting the whole body throws too.
    #expect(String(decoding: try body.chunk(0), as: UTF8.self) == #"{"items":[0,1"#)
    #expect(throws: Undecodable.self) { try body.chunk(1) }
    #expect(throws: Undecodable.self) { try body.collect() }
    #expect(APIResponse(status: 200, body: .chunked(body)).bytes.isEmpty)
  }

  @Test func listsAndTablesAreSentInChunks() async throws {
    let f = try RBACTestStore()
    try await f.namespace("default")
    let context = WriteContext(actor: "test", source: "test")
    let count = 450
    for i in 0..<count {
      var object = Object(
        apiVersion: "v1", kind: "ConfigMap", name: String(format: "cm-%03d", i),
        namespace: "default")
      object.value["data"] = ["n": .string("\(i)")]
      _ = try await f.store.create(object, context: context)
    }
    let handler = APIHandler(
      store: f.store, serverAddress: "127.0.0.1:0", mooringVersion: "test",
      logger: Logger(label: "test"))

    let list = await handler.handle(
      APIRequest(method: "GET", path: "/api/v1/namespaces/default/configmaps", user: Self.user))
    guard case .chunked(let chunks) = list.body else {
      Issue.record("a list is not chunked: \(list.body)")
      return
    }
    #expect(chunks.count > 1)
    let value = try JSON.decode(list.bytes)
    #expect(value["kind"] == "ConfigMapList")
    let items = value["items"]?.listValue ?? []
    #expect(items.count == count)
    #expect(items.last?[path: "metadata.name"] == "cm-449")
    #expect(items.last?[path: "data.n"] == "449")

    // A page: the continue token is in the head, before the items.
    let page = await handler.handle(
      APIRequest(
        method: "GET", path: "/api/v1/namespaces/default/configmaps", query: ["limit": "10"],
        user: Self.user))
    let pageValue = try JSON.decode(page.bytes)
    #expect(pageValue["items"]?.listValue?.count == 10)
    #expect(pageValue[path: "metadata.continue"]?.stringValue?.isEmpty == false)

    let table = await handler.handle(
      APIRequest(
        method: "GET", path: "/api/v1/namespaces/default/configmaps",
        headers: ["accept": "application/json;as=Table;v=v1;g=meta.k8s.io"], user: Self.user))
    guard case .chunked = table.body else {
      Issue.record("a table is not chunked")
      return
    }
    let tableValue = try JSON.decode(table.bytes)
    #expect(tableValue["kind"] == "Table")
    let rows = tableValue["rows"]?.listValue ?? []
    #expect(rows.count == count)
    #expect(rows.first?["cells"]?.listValue?.first == "cm-000")
    #expect(rows.first?[path: "object.kind"] == "PartialObjectMetadata")
    #expect(tableValue["columnDefinitions"]?.listValue?.isEmpty == false)
  }
}
