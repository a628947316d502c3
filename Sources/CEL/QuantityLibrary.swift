/// Kubernetes' CEL quantity library (`kubernetes.quantity`, from
/// `k8s.io/apiserver/pkg/cel/library/quantity.go`): `quantity(string)`,
/// `isQuantity(string)`, `sign(q)`, `q.isInteger()`, `q.asInteger()`,
/// `q.asApproximateFloat()`, `q.add(q|int)`, `q.sub(q|int)`, `q.compareTo(q)`,
/// `q.isGreaterThan(q)`, `q.isLessThan(q)`. Equality compares values.
public enum QuantityLibrary {
  /// The CEL type `kubernetes.Quantity`.
  public static let type = CELType.opaque("kubernetes.Quantity", [])

  /// The library.
  public static let library = CELLibrary(
    name: "kubernetes.quantity",
    functions: [
      CELFunction(
        "quantity",
        [
          CELOverload(
            "string_to_quantity", params: [.string], result: type,
            impl: .unary { v in
              guard case .string(let s) = v else { return .noSuchOverload("quantity", v) }
              do throws(CELError) {
                return .opaque(try KubernetesQuantity(parsing: s))
              } catch {
                return .error(error)
              }
            })
        ]),
      CELFunction(
        "isQuantity",
        [
          CELOverload(
            "is_quantity_string", params: [.string], result: .bool,
            impl: .unary { v in
              guard case .string(let s) = v else { return .noSuchOverload("isQuantity", v) }
              return .bool((try? KubernetesQuantity(parsing: s)) != nil)
            })
        ]),
      CELFunction(
        "sign",
        [
          CELOverload(
            "quantity_sign", params: [type], result: .int,
            impl: .unary { v in
              guard let q = quantity(v) else { return .noSuchOverload("sign", v) }
              return .int(Int64(q.sign))
            })
        ]),
      comparison("isGreaterThan", "quantity_is_greater_than", result: .bool) { .bool($0 == 1) },
      comparison("isLessThan", "quantity_is_less_than", result: .bool) { .bool($0 == -1) },
      comparison("compareTo", "quantity_compare_to", result: .int) { .int(Int64($0)) },
      CELFunction(
        "asApproximateFloat",
        [
          CELOverload(
            "quantity_get_float", params: [type], result: .double, isInstance: true,
            impl: .unary { v in
              guard let q = quantity(v) else { return .noSuchOverload("asApproximateFloat", v) }
              return .double(q.approximateDouble)
            })
        ]),
      CELFunction(
        "asInteger",
        [
          CELOverload(
            "quantity_get_int", params: [type], result: .int, isInstance: true,
            impl: .unary { v in
              guard let q = quantity(v) else { return .noSuchOverload("asInteger", v) }
              guard let i = q.int64Value else { return .error("cannot convert value to integer") }
              return .int(i)
            })
        ]),
      CELFunction(
        "isInteger",
        [
          CELOverload(
            "quantity_is_integer", params: [type], result: .bool, isInstance: true,
            impl: .unary { v in
              guard let q = quantity(v) else { return .noSuchOverload("isInteger", v) }
              return .bool(q.int64Value != nil)
            })
        ]),
      arithmetic("add", "quantity_add") { a, b throws(CELError) in try a.adding(b) },
      arithmetic("sub", "quantity_sub") { a, b throws(CELError) in try a.subtracting(b) },
    ],
    constants: ["kubernetes.Quantity": .type(type)])

  private static func quantity(_ v: CELValue) -> KubernetesQuantity? {
    guard case .opaque(let o) = v else { return nil }
    return o as? KubernetesQuantity
  }

  private static func comparison(
    _ name: String, _ id: String, result: CELType,
    _ make: @escaping @Sendable (Int) -> CELValue
  ) -> CELFunction {
    CELFunction(
      name,
      [
        CELOverload(
          id, params: [type, type], result: result, isInstance: true,
          impl: .binary { a, b in
            guard let x = quantity(a), let y = quantity(b) else {
              return .noSuchOverload(name, a, b)
            }
            return make(x.compare(y))
          })
      ])
  }

  /// `q.name(q)` and `q.name(int)`; the int is a `DecimalExponent` quantity.
  private static func arithmetic(
    _ name: String, _ id: String,
    _ op:
      @escaping @Sendable (KubernetesQuantity, KubernetesQuantity) throws(CELError) ->
      KubernetesQuantity
  ) -> CELFunction {
    let impl: @Sendable (CELValue, CELValue) -> CELValue = { a, b in
      guard let x = quantity(a) else { return .noSuchOverload(name, a, b) }
      let y: KubernetesQuantity
      if case .int(let i) = b {
        y = KubernetesQuantity(i, format: .decimalExponent)
      } else if let q = quantity(b) {
        y = q
      } else {
        return .noSuchOverload(name, a, b)
      }
      do throws(CELError) {
        return .opaque(try op(x, y))
      } catch {
        return .error(error)
      }
    }
    return CELFunction(
      name,
      [
        CELOverload(
          id, params: [type, type], result: type, isInstance: true, impl: .binary(impl)),
        CELOverload(
          id + "_int", params: [type, .int], result: type, isInstance: true,
          impl: .binary(impl)),
      ])
  }
}
