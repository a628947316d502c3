import Objects
import Testing

@testable import YAML

@Suite struct YAMLEncoderTests {
  @Test func kubectlStyle() {
    let v: Value = [
      "apiVersion": "v1",
      "kind": "ConfigMap",
      "metadata": ["name": "cfg", "labels": ["app": "web"]],
      "data": [
        "enabled": "true", "port": "8080", "empty": "", "script": "echo hi\necho there\n",
        "plain": "hello world",
      ],
      "list": ["a", 1, 2.5, true, nil],
      "nested": [["name": "x", "ports": [80, 443]]],
      "none": [:],
      "nothing": [],
    ]
    let text = YAMLEncoder().encode(v)
    #expect(
      text == """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: cfg
          labels:
            app: web
        data:
          enabled: "true"
          port: "8080"
          empty: ""
          script: |
            echo hi
            echo there
          plain: hello world
        list:
        - a
        - 1
        - 2.5
        - true
        - null
        nested:
        - name: x
          ports:
          - 80
          - 443
        none: {}
        nothing: []

        """)
  }

  @Test func roundTripKeepsTypesAndOrder() throws {
    let v: Value = [
      "z": "yes", "a": "0x10", "m": "1.0", "s": "a: b", "h": "#not a comment", "t": "tab\there",
      "q": "\"quoted\"", "u": "ünïcödé", "n": .int(-3), "d": .double(0.000015),
      "big": .double(1e21), "lead": " leading space", "multi": "line1\nline2 \n",
    ]
    let text = YAMLEncoder().encode(v)
    let back = try YAMLDecoder().decode(Array(text.utf8))
    #expect(back.first?.value == v)
    #expect(back.first?.value.mapValue?.keys.map { $0 } == v.mapValue?.keys.map { $0 })
  }

  @Test func goStyleFloats() {
    #expect(YAMLEncoder.format(0.5) == "0.5")
    #expect(YAMLEncoder.format(1e6) == "1e+06")
    #expect(YAMLEncoder.format(1.5e-5) == "1.5e-05")
    #expect(YAMLEncoder.format(.infinity) == ".inf")
    #expect(YAMLEncoder.format(123456.5) == "123456.5")
  }

  @Test func multipleDocuments() {
    let text = YAMLEncoder().encode(documents: [["a": 1], ["b": 2]])
    #expect(text == "a: 1\n---\nb: 2\n")
  }
}
