import Foundation
import Objects

/// The opaque `continue` of a paginated list: the revision the first page was read at and
/// the key of the last item returned, base64 of a small JSON object.
struct ContinueToken: Sendable, Equatable {
  var revision: Int64
  var namespace: String
  var name: String

  init(revision: Int64, namespace: String, name: String) {
    self.revision = revision
    self.namespace = namespace
    self.name = name
  }

  init(decoding text: String) throws(StoreError) {
    guard let data = Data(base64Encoded: text),
      let value = try? JSON.decode([UInt8](data)),
      case .int(let rv)? = value["rv"], rv > 0,
      case .string(let ns)? = value["ns"], case .string(let name)? = value["name"]
    else {
      throw .badRequest("continue key is not valid: \(text.prefix(64))")
    }
    self.init(revision: rv, namespace: ns, name: name)
  }

  var encoded: String {
    let value: Value = ["rv": .int(revision), "ns": .string(namespace), "name": .string(name)]
    return Data(JSON.encodeBytes(value)).base64EncodedString()
  }
}
