/// Kubernetes' CEL URL library (`kubernetes.urls`, from
/// `k8s.io/apiserver/pkg/cel/library/urls.go`): `url(string)`, `isURL(string)`, and the
/// members `getScheme()`, `getHost()`, `getHostname()`, `getPort()`, `getEscapedPath()`,
/// `getQuery()`. Getters return `''` (or `{}`) for absent parts.
public enum URLLibrary {
  /// The CEL type `kubernetes.URL`.
  public static let type = CELType.opaque("kubernetes.URL", [])

  /// The library.
  public static let library = CELLibrary(
    name: "kubernetes.urls",
    functions: [
      CELFunction(
        "url",
        [
          CELOverload(
            "string_to_url", params: [.string], result: type,
            impl: .unary { v in
              guard case .string(let s) = v else { return .noSuchOverload("url", v) }
              do throws(CELError) {
                return .opaque(try KubernetesURL(parsing: s))
              } catch {
                return .error(error)
              }
            })
        ]),
      CELFunction(
        "isURL",
        [
          CELOverload(
            "is_url_string", params: [.string], result: .bool,
            impl: .unary { v in
              guard case .string(let s) = v else { return .noSuchOverload("isURL", v) }
              return .bool(KubernetesURL.requestURIError(s) == nil)
            })
        ]),
      getter("getScheme", "url_get_scheme", .string) { .string($0.scheme) },
      getter("getHost", "url_get_host", .string) { .string($0.hostWithPort) },
      getter("getHostname", "url_get_hostname", .string) { .string($0.hostname) },
      getter("getPort", "url_get_port", .string) { .string($0.port) },
      getter("getEscapedPath", "url_get_escaped_path", .string) { .string($0.escapedPath) },
      getter("getQuery", "url_get_query", .map(.string, .list(.string))) { url in
        var m = CELMap()
        for (key, values) in url.queryParameters {
          m.set(.string(key), .list(values.map { .string($0) }))
        }
        return .map(m)
      },
    ],
    constants: ["kubernetes.URL": .type(type)])

  private static func getter(
    _ name: String, _ id: String, _ result: CELType,
    _ body: @escaping @Sendable (KubernetesURL) -> CELValue
  ) -> CELFunction {
    CELFunction(
      name,
      [
        CELOverload(
          id, params: [type], result: result, isInstance: true,
          impl: .unary { v in
            guard case .opaque(let o) = v, let url = o as? KubernetesURL else {
              return .noSuchOverload(name, v)
            }
            return body(url)
          })
      ])
  }
}
