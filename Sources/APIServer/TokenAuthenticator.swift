import Admission
import Foundation

/// Who a request is: bearer tokens from a kube-style token file (`--token-auth-file`:
/// CSV lines `token,user,uid,"group1,group2"`), and, when allowed, a fixed identity for
/// requests without credentials.
public struct TokenAuthenticator: Sendable {
  var tokens: [String: AdmissionUserInfo] = [:]
  /// The identity of requests that carry no credentials; nil refuses them (401).
  public var unauthenticated: AdmissionUserInfo?
  /// Verifies ServiceAccount tokens when set.
  public var serviceAccounts: ServiceAccountTokens?

  public init(unauthenticated: AdmissionUserInfo? = nil) {
    self.unauthenticated = unauthenticated
  }

  /// The cluster administrator (group `system:masters`).
  public static let admin = AdmissionUserInfo(
    username: "admin", groups: ["system:masters", "system:authenticated"])

  /// Reads a token file; throws naming the file and line of a malformed entry.
  public mutating func load(tokenFile path: String) throws {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let line = raw.trimmingCharacters(in: .whitespaces)
      if line.isEmpty || line.hasPrefix("#") { continue }
      let fields = Self.csvFields(line)
      guard fields.count >= 3, !fields[0].isEmpty, !fields[1].isEmpty else {
        throw TokenFileError(
          message: "\(path):\(index + 1): expected token,user,uid[,\"group1,group2\"]")
      }
      let groups = fields.count > 3 ? fields[3].split(separator: ",").map(String.init) : []
      tokens[fields[0]] = AdmissionUserInfo(
        username: fields[1], uid: fields[2], groups: groups + ["system:authenticated"])
    }
  }

  /// Adds one token.
  public mutating func add(token: String, user: AdmissionUserInfo) { tokens[token] = user }

  /// The user of a request with this `Authorization` header; nil when refused.
  public func authenticate(authorization: String?) -> AdmissionUserInfo? {
    guard let authorization else { return unauthenticated }
    guard let token = Self.bearerToken(authorization) else { return nil }
    if let user = tokens[token] { return user }
    return serviceAccounts?.verify(token).map(Self.user)
  }

  /// `authenticate` without a signature check, for the event loop: the user of a token
  /// from the token file or of a ServiceAccount token verified before, or the identity of
  /// requests without credentials; nil for anything else.
  func eventLoopUser(authorization: String?) -> AdmissionUserInfo? {
    guard let authorization else { return unauthenticated }
    guard let token = Self.bearerToken(authorization) else { return nil }
    if let user = tokens[token] { return user }
    return serviceAccounts?.verifiedIdentity(token).map(Self.user)
  }

  /// The user a ServiceAccount token speaks for, with kube's groups.
  static func user(_ identity: ServiceAccountTokens.Identity) -> AdmissionUserInfo {
    AdmissionUserInfo(
      username: "system:serviceaccount:\(identity.namespace):\(identity.name)",
      uid: identity.uid,
      groups: [
        "system:serviceaccounts", "system:serviceaccounts:\(identity.namespace)",
        "system:authenticated",
      ])
  }

  /// The token of an `Authorization: Bearer TOKEN` header.
  static func bearerToken(_ authorization: String) -> String? {
    let parts = authorization.split(separator: " ", maxSplits: 1)
    guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
    return String(APIRequest.trimmed(parts[1]))
  }

  static func csvFields(_ line: String) -> [String] {
    var fields: [String] = []
    var current = ""
    var quoted = false
    for c in line {
      if c == "\"" {
        quoted.toggle()
      } else if c == ",", !quoted {
        fields.append(current)
        current = ""
      } else {
        current.append(c)
      }
    }
    fields.append(current)
    return fields.map { $0.trimmingCharacters(in: .whitespaces) }
  }
}

/// A malformed token file.
public struct TokenFileError: Error, CustomStringConvertible {
  public var message: String
  public var description: String { message }
}
