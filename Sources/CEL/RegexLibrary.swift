extension CELLibrary {
  /// Regular expressions (RE2 syntax, linear time): the standard `matches` in both forms,
  /// `matches(string, string)` and `string.matches(string)`, plus Kubernetes' `find` and
  /// `findAll`:
  ///
  /// - `<string>.find(<string>) -> <string>`: the first match, or `''`.
  /// - `<string>.findAll(<string>) -> <list<string>>`: all matches.
  /// - `<string>.findAll(<string>, <int>) -> <list<string>>`: at most that many matches;
  ///   a negative limit means all.
  ///
  /// An invalid pattern is an evaluation error carrying RE2's message.
  public static let regex = CELLibrary(
    name: "kubernetes.regex",
    functions: [
      CELFunction(
        "matches",
        [
          CELOverload(
            "matches", params: [.string, .string], result: .bool,
            impl: .binary(regexMatches)),
          CELOverload(
            "matches_string", params: [.string, .string], result: .bool, isInstance: true,
            impl: .binary(regexMatches)),
        ]),
      CELFunction(
        "find",
        [
          CELOverload(
            "string_find_string", params: [.string, .string], result: .string,
            isInstance: true, impl: .binary(regexFind))
        ]),
      CELFunction(
        "findAll",
        [
          CELOverload(
            "string_find_all_string", params: [.string, .string], result: .list(.string),
            isInstance: true, impl: .binary { regexFindAll($0, $1, .int(-1)) }),
          CELOverload(
            "string_find_all_string_int", params: [.string, .string, .int],
            result: .list(.string), isInstance: true, impl: .ternary(regexFindAll)),
        ]),
    ])
}

private func regexMatches(_ text: CELValue, _ pattern: CELValue) -> CELValue {
  guard case .string(let s) = text, case .string(let p) = pattern else {
    return .noSuchOverload("matches", text, pattern)
  }
  do {
    return .bool(try CELRegex.cached(p).matches(s))
  } catch {
    return .error(error)
  }
}

private func regexFind(_ text: CELValue, _ pattern: CELValue) -> CELValue {
  guard case .string(let s) = text, case .string(let p) = pattern else {
    return .noSuchOverload("find", text, pattern)
  }
  do {
    return .string(try CELRegex.cached(p).find(s) ?? "")
  } catch {
    return .error(error)
  }
}

private func regexFindAll(_ text: CELValue, _ pattern: CELValue, _ limit: CELValue) -> CELValue {
  guard case .string(let s) = text, case .string(let p) = pattern, case .int(let n) = limit
  else {
    return .noSuchOverload("findAll", text, pattern, limit)
  }
  do {
    let regex = try CELRegex.cached(p)
    let cap = n < 0 ? -1 : Int(clamping: n)
    return .list(regex.findAll(s, limit: cap).map(CELValue.string))
  } catch {
    return .error(error)
  }
}
