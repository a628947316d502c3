import ArgumentParser
import Foundation
import Objects
import YAML

/// The cluster and user of a kubeconfig's current context.
struct KubeconfigContext {
  var server: String?
  var token: String?
  var authority: [UInt8]?
  var insecure = false

  init(path: String) throws {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ValidationError("cannot read kubeconfig \(path)")
    }
    let config: Value
    do {
      config = try YAMLDecoder().decode(Array(data), file: path).first?.value ?? .null
    } catch {
      throw ValidationError("\(error)")
    }
    func named(_ list: String, _ name: String?) -> Value? {
      config[list]?.listValue?.first { $0["name"]?.stringValue == name }
    }
    let current = config["current-context"]?.stringValue
    guard let context = named("contexts", current)?["context"] else {
      throw ValidationError(
        "kubeconfig \(path): no context \(current.map { "\"\($0)\"" } ?? "is current")")
    }
    let cluster = named("clusters", context["cluster"]?.stringValue)?["cluster"]
    let user = named("users", context["user"]?.stringValue)?["user"]
    server = cluster?["server"]?.stringValue
    insecure = cluster?["insecure-skip-tls-verify"]?.boolValue ?? false
    let directory = (path as NSString).deletingLastPathComponent
    func file(_ name: String) -> [UInt8]? {
      let resolved =
        name.hasPrefix("/") ? name : (directory as NSString).appendingPathComponent(name)
      return FileManager.default.contents(atPath: resolved).map(Array.init)
    }
    if let data = cluster?["certificate-authority-data"]?.stringValue {
      authority = Data(base64Encoded: data).map(Array.init)
    } else if let name = cluster?["certificate-authority"]?.stringValue {
      authority = file(name)
    }
    if let value = user?["token"]?.stringValue {
      token = value
    } else if let name = user?["tokenFile"]?.stringValue, let bytes = file(name) {
      token = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
  }
}
