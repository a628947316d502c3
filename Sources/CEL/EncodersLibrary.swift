extension CELLibrary {
  /// cel-go's `ext.Encoders` (not in Kubernetes' base environment):
  ///
  /// - `base64.encode(<bytes>) -> <string>`: standard base64 with padding.
  /// - `base64.decode(<string>) -> <bytes>`: standard base64, padded or not; anything else
  ///   is an error.
  public static let encoders = CELLibrary(
    name: "cel.lib.ext.encoders",
    functions: [
      CELFunction(
        "base64.encode",
        [
          CELOverload(
            "base64_encode_bytes", params: [.bytes], result: .string,
            impl: .unary { v in
              guard case .bytes(let b) = v else { return .noSuchOverload("base64.encode", v) }
              return .string(Base64.encode(b))
            })
        ]),
      CELFunction(
        "base64.decode",
        [
          CELOverload(
            "base64_decode_string", params: [.string], result: .bytes,
            impl: .unary { v in
              guard case .string(let s) = v else { return .noSuchOverload("base64.decode", v) }
              guard let bytes = Base64.decode(s) else {
                return .error("illegal base64 data: \(v.debugText)")
              }
              return .bytes(bytes)
            })
        ]),
    ])
}
