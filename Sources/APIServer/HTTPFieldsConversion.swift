import HTTPTypes

extension APIRequest {
  /// Request headers by lower-case name, repeated fields joined with commas (one form for
  /// both answering paths: Hummingbird's and the event loop's).
  static func headers(_ fields: HTTPFields) -> [String: String] {
    var headers: [String: String] = [:]
    for field in fields {
      let name = field.name.canonicalName
      headers[name] = headers[name].map { "\($0),\(field.value)" } ?? field.value
    }
    return headers
  }
}

extension APIResponse {
  /// The answer's headers as HTTP fields (names HTTP does not accept are left out).
  var httpFields: HTTPFields {
    var fields = HTTPFields()
    for (name, value) in headers {
      if let n = HTTPField.Name(name) { fields.append(HTTPField(name: n, value: value)) }
    }
    return fields
  }
}
