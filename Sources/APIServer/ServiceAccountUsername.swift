/// The user name kube gives a ServiceAccount's credentials:
/// `system:serviceaccount:NAMESPACE:NAME`.
enum ServiceAccountUsername {
  static let prefix = "system:serviceaccount:"

  /// The namespace and name of a well-formed one (both non-empty, no further colons); nil
  /// for any other user name. On UTF-8 bytes: splitting names into Characters showed in a
  /// GET's profile.
  static func parse(_ username: String) -> (namespace: Substring, name: Substring)? {
    guard username.hasPrefix(prefix) else { return nil }
    let rest = username.utf8.dropFirst(prefix.utf8.count)
    let colon = UInt8(ascii: ":")
    guard let split = rest.firstIndex(of: colon), split > rest.startIndex else { return nil }
    let name = rest[rest.index(after: split)...]
    guard !name.isEmpty, !name.contains(colon) else { return nil }
    return (Substring(rest[..<split]), Substring(name))
  }
}
